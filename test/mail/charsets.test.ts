import Encoding from 'encoding-japanese';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeJis, relabelJapaneseWords } from '../../src/mail/charsets.ts';
import { parsePost } from '../../src/mail/parse.ts';

const ESC_KANJI = [0x1b, 0x24, 0x42];
const ESC_ASCII = [0x1b, 0x28, 0x42];
const viaEncodingJapanese = (bytes: number[]) =>
  Encoding.convert(bytes, { to: 'UNICODE', from: 'JIS', type: 'string' }) as string;

/** JIS X 0208 rows 1-84, both bytes 0x21-0x7E. */
const kanjiPair = fc.tuple(fc.integer({ min: 0x21, max: 0x74 }), fc.integer({ min: 0x21, max: 0x7e }));
const asciiRun = fc.array(fc.integer({ min: 0x20, max: 0x7e }), { maxLength: 8 });
/** ISO-2022-JP text: ASCII and kanji runs, back to ASCII at the end. */
const jisText = fc
  .array(fc.tuple(asciiRun, fc.array(kanjiPair, { minLength: 1, maxLength: 6 })), { maxLength: 6 })
  .map((parts) => [...parts.flatMap(([a, k]) => [...a, ...ESC_KANJI, ...k.flat(), ...ESC_ASCII])]);

describe('ISO-2022-JP', () => {
  it('reads as encoding-japanese reads it, wherever encoding-japanese knows the character', () => {
    fc.assert(
      fc.property(jisText, (bytes) => {
        const ours = decodeJis(Uint8Array.from(bytes));
        const theirs = viaEncodingJapanese(bytes);
        // encoding-japanese gives "?" for the NEC and IBM extensions; we give the character.
        if (!theirs.includes('?')) expect(ours).toBe(theirs);
        else expect(ours.length).toBe(theirs.length);
      }),
      { numRuns: 500 },
    );
  });

  it('reads the NEC special characters that mail from Japanese PCs carries', () => {
    // ①, ㈱ and ≒ (row 13)
    expect(decodeJis(Uint8Array.from([...ESC_KANJI, 0x2d, 0x21, 0x2d, 0x6a, 0x2d, 0x70, ...ESC_ASCII]))).toBe('①㈱≒');
  });

  it('keeps JIS-Roman backslashes and tildes as ASCII, as old mailers meant them', () => {
    const bytes = [0x1b, 0x28, 0x4a, ...Buffer.from('C:\\logs\\fw ~x')];
    expect(decodeJis(Uint8Array.from(bytes))).toBe('C:\\logs\\fw ~x');
  });

  it('still reads what WHATWG refuses (JIS X 0212, SO/SI kana) as encoding-japanese does', () => {
    const x0212 = [0x1b, 0x24, 0x28, 0x44, 0x30, 0x21, ...ESC_ASCII];
    const soSi = [0x0e, 0x31, 0x0f];
    for (const bytes of [x0212, soSi]) expect(decodeJis(Uint8Array.from(bytes))).toBe(viaEncodingJapanese(bytes));
  });

  it('reads a subject split over encoded words, a character and JIS mode cut across them', async () => {
    const text = Buffer.from([...ESC_KANJI, 0x25, 0x39, 0x25, 0x2d, 0x25, 0x63, 0x25, 0x73, ...ESC_ASCII]); // スキャン
    const parts = [text.subarray(0, 6), text.subarray(6)];
    const words = parts.map((p) => `=?ISO-2022-JP?B?${p.toString('base64')}?=`).join('\r\n ');
    const raw = Buffer.from(`From: a@example.org\r\nSubject: tcp/5000 ${words}\r\nMessage-ID: <s@x>\r\n\r\nbody\r\n`);
    expect((await parsePost(raw)).subject).toBe('tcp/5000 スキャン');
  });

  it('reads words labelled ISO2022_JP, as some mailers write the name', async () => {
    const word = `=?ISO2022_JP?B?${Buffer.from([...ESC_KANJI, 0x30, 0x21, ...ESC_ASCII]).toString('base64')}?=`;
    const raw = Buffer.from(`From: ${word} <a@example.org>\r\nSubject: ${word}\r\nMessage-ID: <t@x>\r\n\r\nbody\r\n`);
    const post = await parsePost(raw);
    expect(post.subject).toBe('亜');
    expect(post.from?.name).toBe('亜');
  });

  it('leaves a header without ISO-2022-JP words untouched, byte for byte', () => {
    const raw = Buffer.from('Subject: =?UTF-8?B?44GC?=\r\n\r\n\x1b$B0!\x1b(B\r\n', 'latin1');
    expect(relabelJapaneseWords(raw)).toBe(raw);
  });
});
