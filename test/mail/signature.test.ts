import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../../src/config/schema.ts';
import { extractReport } from '../../src/extract/report.ts';
import { parsePost } from '../../src/mail/parse.ts';
import { verifySignature } from '../../src/mail/signature.ts';
import { signatureLine } from '../../src/mail/signature-line.ts';
import { fixture, shared, sharedAvailable } from '../helpers/paths.ts';

const opts = { zone: 'UTC', maxScanChars: 512 * 1024, maxLineChars: 4096 };
const KEYRING = fixture('pgp', 'keyring');
const HANAKO = { signer: 'Hanako Sato <hanako@isp-a.example>', keyId: 'ACF2121C9FB36B69' };
const bytes = (name: string) => readFileSync(fixture('pgp', name));
const read = (raw: Buffer, keyring: string | null = KEYRING, limits = DEFAULT_LIMITS) =>
  parsePost(raw, limits, keyring);
/** The message with `from` replaced by `to` once, as a forger (or a list) would change it. */
const edit = (raw: Buffer, from: string, to: string) => {
  const s = raw.toString('latin1');
  expect(s).toContain(from);
  return Buffer.from(s.replace(from, to), 'latin1');
};

describe('inline (cleartext) signed posts', () => {
  it('verifies a signed IMS report whose "-S------" lines were dash-escaped, and still reads its records', async () => {
    const p = await read(bytes('clearsigned-report.eml'));
    expect(p.signature).toEqual({ kind: 'cleartext', status: 'verified', ...HANAKO, fingerprint: expect.any(String) });
    const r = extractReport(p, opts);
    expect(r.signature?.status).toBe('verified');
    expect(r.logLines.map((l) => `${l.src} ${l.dpt} ${l.flags}`)).toEqual([
      '203.0.113.66 5000 S',
      '203.0.113.66 5000 S',
    ]);
  });

  it('calls a post whose signed figures were changed bad, and reads the changed figures like any post', async () => {
    const p = await read(edit(bytes('clearsigned-report.eml'), 'tcp/5000 overnight', 'tcp/5001 overnight'));
    expect(p.signature).toMatchObject({ kind: 'cleartext', status: 'bad', keyId: HANAKO.keyId });
    expect(signatureLine(p.signature!, 'en')).toContain('the signed text may have been altered');
    expect(extractReport(p, opts).ports.map((x) => x.port)).toContain(5001);
  });

  it('verifies the bytes a Shift_JIS post was signed in, not our decoding of them', async () => {
    const p = await read(bytes('clearsigned-shift_jis.eml'));
    expect(p.text).toContain('tcp/5000宛てのSYN');
    expect(p.signature).toMatchObject({ status: 'verified', ...HANAKO });
  });

  it('does not verify a signature made by a key that is not in the keyring', async () => {
    const p = await read(bytes('clearsigned-by-mallory.eml'));
    expect(p.signature).toMatchObject({ kind: 'cleartext', status: 'unknown-key', keyId: '660E5FBACB709D85' });
    expect(p.signature?.signer).toBeUndefined();
  });

  it('names the signing key without a keyring, and checks nothing', async () => {
    const p = await read(bytes('clearsigned-report.eml'), null);
    expect(p.signature).toMatchObject({ status: 'no-keyring', keyId: HANAKO.keyId });
  });

  it('says a garbage signature block is unreadable, and reads the post', async () => {
    const raw = edit(bytes('clearsigned-report.eml'), 'wrsE', 'AAAAAAAA!!');
    const p = await read(raw);
    expect(p.signature).toMatchObject({ kind: 'cleartext', status: 'unreadable', keyId: null });
    expect(extractReport(p, opts).logLines).toHaveLength(2);
  });

  it('marks a post partly signed when unsigned text follows the signed part, and not for the list footer', async () => {
    const signed = bytes('clearsigned-report.eml');
    expect((await read(signed)).signature?.partial).toBeUndefined();
    const added = edit(signed, '_______________', 'Correction: it was tcp/6000, 40,000 sources.\n_______________');
    const p = await read(added);
    // The signature holds for what it covers; the post as a whole is not what was signed.
    expect(p.signature).toMatchObject({ status: 'verified', partial: true });
    const before = Buffer.from(
      signed.toString('latin1').replace('\n\n-----BEGIN PGP SIGNED', '\n\nUrgent:\n-----BEGIN PGP SIGNED'),
      'latin1',
    );
    expect((await read(before)).signature).toMatchObject({ status: 'verified', partial: true });
  });

  it('takes a signed post quoted in a reply for no signature of the reply', async () => {
    const quoted = bytes('clearsigned-report.eml')
      .toString('latin1')
      .replace(/\n\n([\s\S]*)$/, (_, body: string) => `\n\nSame here.\n\n${body.replace(/^/gm, '> ')}`);
    const p = await read(Buffer.from(quoted, 'latin1'));
    expect(p.signature).toBeNull();
  });
});

describe('PGP/MIME (RFC 3156) signed posts', () => {
  it('verifies a multipart/signed post over its first part as sent, and reads it like the post unsigned', async () => {
    const [signed, plain] = await Promise.all([read(bytes('pgp-mime-report.eml')), read(bytes('plain-report.eml'))]);
    expect(signed.signature).toEqual({
      kind: 'pgp-mime',
      status: 'verified',
      ...HANAKO,
      fingerprint: expect.any(String),
    });
    expect(signed.text).toBe(plain.text);
    const { messageId: _a, signature: _s, ...fromSigned } = extractReport(signed, opts);
    const { messageId: _b, signature: _n, ...fromPlain } = extractReport(plain, opts);
    expect(fromSigned).toEqual(fromPlain);
  });

  it('verifies the same message with CRLF line ends, as it comes over IMAP', async () => {
    const crlf = Buffer.from(bytes('pgp-mime-report.eml').toString('latin1').replace(/\n/g, '\r\n'), 'latin1');
    expect((await read(crlf)).signature?.status).toBe('verified');
  });

  it('verifies a post a list wrapped to add its footer, and does not call the footer unsigned text', async () => {
    const p = await read(bytes('pgp-mime-listed.eml'));
    expect(p.signature).toMatchObject({ kind: 'pgp-mime', status: 'verified', ...HANAKO });
    expect(p.signature?.partial).toBeUndefined();
  });

  it('marks the post partly signed when the part the list added says more than a footer', async () => {
    const raw = edit(bytes('pgp-mime-listed.eml'), 'nsp-sec-jp mailing list', 'Also tcp/6000 from 198.51.100.7');
    expect((await read(raw)).signature).toMatchObject({ status: 'verified', partial: true });
  });

  it('calls a signed part changed in transit bad', async () => {
    const raw = edit(bytes('pgp-mime-report.eml'), '08:12:47', '08:12:48');
    expect((await read(raw)).signature).toMatchObject({ kind: 'pgp-mime', status: 'bad', keyId: HANAKO.keyId });
  });

  it('does not verify with a keyring that holds other keys only, and with none at all', async () => {
    const p = await read(bytes('pgp-mime-report.eml'), fixture('pgp', 'mallory.asc'));
    expect(p.signature).toMatchObject({ status: 'unknown-key', keyId: HANAKO.keyId });
    expect((await read(bytes('pgp-mime-report.eml'), null)).signature?.status).toBe('no-keyring');
  });
});

describe('the keyring and bad input', () => {
  it('logs a keyring file that does not parse, reports the key unavailable, and goes on', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kansoku-keyring-'));
    const broken = join(dir, 'broken.asc');
    writeFileSync(
      broken,
      '-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nnot a key\n=AAAA\n-----END PGP PUBLIC KEY BLOCK-----\n',
    );
    const p = await read(bytes('clearsigned-report.eml'), broken);
    expect(p.signature).toMatchObject({ status: 'unknown-key', keyId: HANAKO.keyId });
    expect(p.warnings.join('\n')).toMatch(/auth\.pgpKeyring .*broken\.asc: a key block that does not read/);
    const missing = await read(bytes('clearsigned-report.eml'), join(dir, 'nowhere'));
    expect(missing.signature?.status).toBe('unknown-key');
    expect(missing.warnings.join('\n')).toContain('not readable');
  });

  it('reads keys from every .asc file of a folder, a broken one beside them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kansoku-keyring-'));
    writeFileSync(join(dir, 'hanako.asc'), readFileSync(join(KEYRING, 'hanako.asc')));
    writeFileSync(join(dir, 'zz-garbage.asc'), 'nothing armored here');
    const p = await read(bytes('pgp-mime-report.eml'), dir);
    expect(p.signature?.status).toBe('verified');
    expect(p.warnings.join('\n')).toContain('zz-garbage.asc: no armored public key block in it');
  });

  it('does not hand a signature block over limits.maxSignatureBytes to the verifier, and says so', async () => {
    const limits = { ...DEFAULT_LIMITS, maxSignatureBytes: 100 };
    const p = await read(bytes('clearsigned-report.eml'), KEYRING, limits);
    expect(p.signature).toMatchObject({ status: 'unreadable', keyId: null });
    expect(p.warnings.join('\n')).toMatch(/signature block of \d+ bytes, over limits\.maxSignatureBytes \(100\)/);
    expect(extractReport(p, opts).logLines).toHaveLength(2);
  });

  it('reads a 1 MB signature block quickly: it is cut before openpgp sees it', async () => {
    const huge = edit(bytes('pgp-mime-report.eml'), 'wrsE', `${'A'.repeat(64)}\n`.repeat(16_000) + 'wrsE');
    const t = performance.now();
    const p = await read(huge);
    expect(p.signature?.status).toBe('unreadable');
    expect(performance.now() - t).toBeLessThan(5000);
  });

  it('never throws, and says unreadable or worse, whatever the armored block holds (fast-check)', async () => {
    const clear = bytes('clearsigned-report.eml').toString('latin1');
    const start = clear.indexOf('-----BEGIN PGP SIGNATURE-----');
    const end = clear.indexOf('-----END PGP SIGNATURE-----');
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.string({ maxLength: 400 }), fc.base64String({ maxLength: 400 }), fc.uint8Array({ maxLength: 300 })),
        async (inside) => {
          const block = typeof inside === 'string' ? inside : Buffer.from(inside).toString('latin1');
          const raw = Buffer.from(clear.slice(0, start + 30) + '\n' + block + '\n' + clear.slice(end), 'latin1');
          const warnings: string[] = [];
          const s = await verifySignature(
            raw,
            'nsp-sec-jp.example.net',
            { keyring: KEYRING, maxSignatureBytes: 16384 },
            warnings,
          );
          expect(['unreadable', 'bad', 'unknown-key']).toContain(s?.status);
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe('the line a reviewer reads', () => {
  const key = { keyId: HANAKO.keyId };
  it('says who signed and that it verified, in English and as a Japanese operator writes it', () => {
    const s = { kind: 'cleartext', status: 'verified', ...HANAKO } as const;
    expect(signatureLine(s, 'en')).toBe(
      'signed by Hanako Sato <hanako@isp-a.example> (key 0xACF2121C9FB36B69), verified',
    );
    expect(signatureLine(s, 'ja')).toBe('署名：Hanako Sato <hanako@isp-a.example>（鍵 0xACF2121C9FB36B69、検証済み）');
  });

  it('says why a signature was not verified, and when it covers only part of the post', () => {
    const line = (status: 'bad' | 'unknown-key' | 'no-keyring', partial?: true) =>
      signatureLine({ kind: 'pgp-mime', status, ...key, ...(partial ? { partial } : {}) }, 'en');
    expect(line('unknown-key')).toBe('signed with key 0xACF2121C9FB36B69, not verified: key not in keyring');
    expect(line('no-keyring')).toContain('not verified: no keyring configured (auth.pgpKeyring)');
    expect(line('bad')).toBe('signature by key 0xACF2121C9FB36B69 does NOT verify (invalid)');
    const altered = { kind: 'cleartext', status: 'bad', ...key, detail: 'Signed digest did not match' } as const;
    expect(signatureLine(altered, 'ja')).toBe(
      '署名：鍵 0xACF2121C9FB36B69 の署名を検証できません（本文が改変された可能性があります：Signed digest did not match）',
    );
    expect(line('unknown-key', true)).toMatch(/; partly signed: text outside the signed part is not covered$/);
    const ja = signatureLine({ kind: 'cleartext', status: 'unknown-key', ...key, partial: true }, 'ja');
    expect(ja).toBe('署名：鍵 0xACF2121C9FB36B69（鍵束にない鍵のため未検証）。署名されているのは投稿の一部だけです');
  });
});

describe.runIf(sharedAvailable)('signed mail of the shared corpus', () => {
  const corpus = (f: string) => readFileSync(shared('corpus', 'mail', f));
  it('reads every signed message with a status that says what could be told', async () => {
    const got: Record<string, unknown> = {};
    for (const f of [
      'mimekit-Announce-GnuPG-2.1.20-released.eml',
      'enmime-mime-signed.eml',
      'rubymail-sig_only_email.eml',
      'stalwart-malformed-015.eml',
      'mimekit-smime-thunderbird-signed.eml',
    ]) {
      const s = (await read(corpus(f))).signature;
      got[f] = s && { status: s.status, partial: s.partial ?? false };
    }
    expect(got).toEqual({
      // Werner Koch's key is not ours to hold; Mailman's footer part is not unsigned text.
      'mimekit-Announce-GnuPG-2.1.20-released.eml': { status: 'unknown-key', partial: false },
      // A version 3 signature (GnuPG 1.4), which openpgp.js does not read; "Section two" is outside it.
      'enmime-mime-signed.eml': { status: 'unreadable', partial: true },
      'rubymail-sig_only_email.eml': { status: 'unreadable', partial: false },
      'stalwart-malformed-015.eml': { status: 'unreadable', partial: false },
      // S/MIME is not OpenPGP.
      'mimekit-smime-thunderbird-signed.eml': null,
    });
  });
});
