import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { capHeaderFields, headerEnd } from '../../src/mail/mime.ts';
import { parsePost } from '../../src/mail/parse.ts';
import { extractReport } from '../../src/extract/report.ts';

const manyRecipients = (n: number) =>
  Array.from({ length: n }, (_, i) => `"member ${i}" <m${i}@example.org>`).join(',\r\n\t');

const post = (to: string) =>
  Buffer.from(
    `From: Alice <alice@example.net>\r\nTo: ${to}\r\nSubject: tcp/5000 SYN scan\r\n` +
      'Message-ID: <cap@example.net>\r\n\r\nWe see SYNs to tcp/5000 from 1,200 sources.\r\n',
    'latin1',
  );

describe('header fields over limits.maxHeaderFieldBytes', () => {
  it('reads a post whose To: names 5,000 addresses: the field cut at a fold, the rest read, a warning', async () => {
    const raw = post(manyRecipients(5000));
    const p = await parsePost(raw);
    expect(p.from).toEqual({ address: 'alice@example.net', name: 'Alice' });
    expect(p.subject).toBe('tcp/5000 SYN scan');
    expect(p.messageId).toBe('<cap@example.net>');
    expect(p.warnings).toEqual([
      expect.stringMatching(
        /^message: header To of \d+ bytes, over limits.maxHeaderFieldBytes \(16384\); cut to \d+$$/,
      ),
    ]);
    expect(
      extractReport(p, { zone: 'UTC', maxScanChars: 1e6, maxLineChars: 4096 }).ports.map((x) => `${x.proto}/${x.port}`),
    ).toEqual(['tcp/5000']);
  });

  it('leaves a message whose fields are all within the limit byte for byte as it is', () => {
    const raw = post(manyRecipients(100));
    const warnings: string[] = [];
    expect(capHeaderFields(raw, 16384, warnings, 'message')).toBe(raw);
    expect(warnings).toEqual([]);
  });

  it('cuts a single unfolded line at its last space within the limit', () => {
    const raw = Buffer.from(`Subject: ${'word '.repeat(100)}\nFrom: a@example.org\n\nbody\n`, 'latin1');
    const out = capHeaderFields(raw, 64, [], 'message').toString('latin1');
    expect(out).toBe(`Subject: ${'word '.repeat(10)}word\nFrom: a@example.org\n\nbody\n`);
  });

  it('cuts a field of five million folds, which a pattern over its folds could not', () => {
    const raw = Buffer.from(
      `From: a@example.org\r\nX-Long: a${'\r\n x'.repeat(5_000_000)}\r\n\r\ntcp/23\r\n`,
      'latin1',
    );
    const out = capHeaderFields(raw, 16384, [], 'message').toString('latin1');
    expect(out.length).toBeLessThan(16384 + 40);
    expect(out.endsWith('\r\n\r\ntcp/23\r\n')).toBe(true);
  });

  it('names the field in its warning without the control characters a sender put in its name', () => {
    const warnings: string[] = [];
    capHeaderFields(Buffer.from(`X-\x1b[31mRed: ${'a '.repeat(100)}\n\nbody\n`, 'latin1'), 64, warnings, 'message');
    expect(warnings[0]).toMatch(/^message: header X-\?\[31mRed of /);
  });

  it('keeps every field within the limit, the short fields and the body as they were (fast-check)', () => {
    const line = fc.stringMatching(/^[ -~]{0,80}$/).filter((s) => !s.startsWith(' '));
    const field = fc.tuple(fc.stringMatching(/^[A-Za-z-]{1,12}$/), line, fc.array(line, { maxLength: 30 }));
    fc.assert(
      fc.property(
        fc.array(field, { minLength: 1, maxLength: 8 }),
        fc.constantFrom('\n', '\r\n'),
        fc.integer({ min: 16, max: 400 }),
        (fields, eol, max) => {
          const texts = fields.map(
            ([name, first, folds]) => [`${name}: ${first}`, ...folds.map((f) => `\t${f}`)].join(eol) + eol,
          );
          const body = `${eol}tcp/5000 here${eol}`;
          const raw = Buffer.from(texts.join('') + body, 'latin1');
          const warnings: string[] = [];
          const out = capHeaderFields(raw, max, warnings, 'message');
          const at = headerEnd(out).headers;
          expect(out.subarray(at).toString('latin1')).toBe(body);
          const head = out.subarray(0, at).toString('latin1');
          const kept = head.split(new RegExp(`(?<=${eol === '\n' ? '\\n' : '\\r\\n'})(?![ \\t])`));
          expect(kept).toHaveLength(texts.length);
          kept.forEach((k, i) => {
            if (texts[i]!.length <= max) expect(k).toBe(texts[i]);
            else expect(k.length).toBeLessThanOrEqual(max + eol.length);
          });
          expect(warnings).toHaveLength(texts.filter((t) => t.length > max).length);
        },
      ),
    );
  });
});
