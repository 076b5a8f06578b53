import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { extractReport } from '../../src/extract/report.ts';
import { parsePost } from '../../src/mail/parse.ts';
import { clearsignedText } from '../../src/mail/pgp.ts';
import { fixture } from '../helpers/paths.ts';

const opts = { zone: 'UTC', maxScanChars: 512 * 1024, maxLineChars: 4096 };
const load = async (name: string) => parsePost(readFileSync(fixture('mail', name)));
const SIGNATURE = ['-----BEGIN PGP SIGNATURE-----', '', 'iQEzBAEBCAAdFiEE', '=AbCd', '-----END PGP SIGNATURE-----'];

/** What a signer sends (RFC 4880 section 7.1): every line that begins with "-" escaped with "- ". */
function clearsign(lines: string[], quote = ''): string {
  return [
    '-----BEGIN PGP SIGNED MESSAGE-----',
    'Hash: SHA256',
    '',
    ...lines.map((l) => (l.startsWith('-') ? `- ${l}` : l)),
    ...SIGNATURE,
  ]
    .map((l) => quote + l)
    .join('\n');
}

describe('cleartext-signed posts', () => {
  it('reads a signed report as its signer wrote it: IMS records un-escaped, no armor, footer kept', async () => {
    const p = await load('clearsigned-report.eml');
    expect(p.text).toContain('11-19-2026 08:12:44 0007c3a1 203.0.113.66 3127 A.B.C.50 5000 TCP\n-S------ 2011224455 0');
    expect(p.text).not.toMatch(/^- |PGP|Hash: SHA256|=AbCd/m);
    expect(p.text.startsWith('Folks,')).toBe(true);
    expect(p.text).toContain('nsp-sec-jp mailing list');
    const r = extractReport(p, opts);
    expect(r.logLines.map((l) => `${l.format} ${l.src} ${l.dpt} ${l.flags}`)).toEqual([
      'ims 203.0.113.66 5000 S',
      'ims 203.0.113.66 5000 S',
    ]);
  });

  it('reads a PGP/MIME (RFC 3156) signed report exactly like the same post unsigned', async () => {
    const [signed, plain] = await Promise.all([load('pgp-mime-report.eml'), load('plain-report.eml')]);
    // The line break before a MIME boundary belongs to the boundary (RFC 2046), so the signed text ends without one.
    expect(signed.text).toBe(plain.text.trimEnd());
    expect(signed.attachments).toEqual([]);
    const { messageId: _a, signature, ...fromSigned } = extractReport(signed, opts);
    const { messageId: _b, signature: none, ...fromPlain } = extractReport(plain, opts);
    expect(fromSigned).toEqual(fromPlain);
    expect(none).toBeNull();
    // Its signature block is not a signature: said so, and the post read all the same.
    expect(signature).toMatchObject({ kind: 'pgp-mime', status: 'unreadable', keyId: null });
  });

  it('un-escapes a signed post quoted in a reply', () => {
    const quoted = `I see the same.\n\n${clearsign(['tcp/5000', '-S------ 1 0'], '> ')}`;
    expect(clearsignedText(quoted)).toBe('I see the same.\n\n> tcp/5000\n> -S------ 1 0');
  });

  it('reads a signed post quoted inside a signed reply', () => {
    expect(clearsignedText(clearsign(['Same here:', clearsign(['-S------ 1 0'], '> ')]))).toBe(
      'Same here:\n> -S------ 1 0',
    );
  });

  it('keeps the text after a signature that was cut short', () => {
    const cut = ['-----BEGIN PGP SIGNED MESSAGE-----', 'Hash: SHA1', '', '- -S------ 1 0'];
    expect(clearsignedText([...cut, '-----BEGIN PGP SIGNATURE-----', 'iQEz', 'list footer'].join('\n'))).toBe(
      '-S------ 1 0\nlist footer',
    );
  });

  it('reads text whose signer left out the blank line after the armor headers', () => {
    expect(clearsignedText(['-----BEGIN PGP SIGNED MESSAGE-----', 'Hash: SHA256', 'tcp/5000'].join('\n'))).toBe(
      'tcp/5000',
    );
  });

  it('leaves text that is not signed as it is, dashes and all', () => {
    const text = '- a bullet\n-S------ 1 0\n-----BEGIN PGP SIGNATURE-----';
    expect(clearsignedText(text)).toBe(text);
  });

  it('gives back the signed lines exactly, whatever they are (fast-check)', () => {
    const line = fc.oneof(
      fc.string({ maxLength: 30 }).filter((s) => !/[\r\n]/.test(s)),
      fc.constantFrom('-S------ 1296947564 0', '- item', '-----BEGIN PGP SIGNATURE-----', '', '-- '),
    );
    fc.assert(
      fc.property(fc.array(line, { minLength: 1, maxLength: 12 }), fc.string({ maxLength: 20 }), (lines, before) => {
        const prefix = before.replace(/[\r\n-]/g, '');
        const expected = lines.join('\n');
        expect(clearsignedText(`${prefix}\n${clearsign(lines)}`)).toBe(`${prefix}\n${expected}`);
      }),
    );
  });
});
