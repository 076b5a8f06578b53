/**
 * Writes fixtures/pgp/: two test key pairs (Hanako's public key in keyring/, Mallory's nowhere the
 * bot looks) and sensor-report posts signed with them, inline and PGP/MIME, as a member's client
 * would send them. Keys and signatures are random, so the committed files are the fixtures; run
 * this only to make new ones (every signed post changes):
 *   npx tsx scripts/make-pgp-fixtures.ts
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import iconv from 'iconv-lite';
import * as pgp from 'openpgp';

const dir = fileURLToPath(new URL('../fixtures/pgp/', import.meta.url));
const created = new Date('2026-01-05T00:00:00Z');
const signedAt = new Date('2026-11-19T00:00:00Z');

const FOOTER = '_______________________________________________\nnsp-sec-jp mailing list\nnsp-sec-jp@example.net\n';

/** An IMS sensor report: its flag lines begin with "-", so an inline signature dash-escapes them. */
const REPORT = `Folks,

Our IMS-style sensors saw a jump in SYN probes to tcp/5000 overnight.
Two of the records, as the sensor writes them (one record, two lines):

11-19-2026 08:12:44 0007c3a1 203.0.113.66 3127 A.B.C.50 5000 TCP
-S------ 2011224455 0
11-19-2026 08:12:47 0007c3f9 203.0.113.66 3127 A.B.C.50 5000 TCP
-S------ 2011224455 0

-- 
Hanako Sato, ISP-A
`;

const REPORT_JA = `各位

ISP-Aの佐藤です。昨夜からtcp/5000宛てのSYNが増えています。
センサーの記録（1件2行）：

11-19-2026 08:12:44 0007c3a1 203.0.113.66 3127 A.B.C.50 5000 TCP
-S------ 2011224455 0

以上です。
`;

function headers(id: string, from: string, type: string): string {
  return [
    `From: ${from}`,
    'To: nsp-sec-jp@example.net',
    'Subject: [nsp-sec-jp] SYN probes to tcp/5000',
    'Date: Thu, 19 Nov 2026 09:00:00 +0900',
    `Message-ID: <${id}@isp-a.example>`,
    'List-Id: <nsp-sec-jp.example.net>',
    'MIME-Version: 1.0',
    type,
  ].join('\n');
}

const HANAKO = 'Hanako Sato <hanako@isp-a.example>';
const SJIS_TYPE = 'Content-Type: text/plain; charset=Shift_JIS\nContent-Transfer-Encoding: 8bit';

async function key(name: string, email: string) {
  return pgp.generateKey({ userIDs: [{ name, email }], date: created, format: 'object' });
}

/** Text as RFC 4880 section 7.1 signs it: blanks at line ends dropped, lines ended CRLF, the last one not. */
function canonical(bytes: Buffer): Buffer {
  const text = bytes.toString('latin1').replace(/\n$/, '');
  return Buffer.from(
    text
      .split('\n')
      .map((l) => l.replace(/[ \t\r]+$/, ''))
      .join('\r\n'),
    'latin1',
  );
}

/**
 * An inline-signed text over the bytes as given, in any charset: openpgp's own cleartext signer
 * takes a string and signs its UTF-8, where a member's GnuPG signs the bytes of their charset.
 */
async function clearsign(bytes: Buffer, signingKeys: pgp.PrivateKey): Promise<Buffer> {
  const message = await pgp.createMessage({ binary: canonical(bytes) });
  const armored = await pgp.sign({ message, signingKeys, detached: true, date: signedAt });
  const sig = await pgp.readSignature({ armoredSignature: armored });
  const hash = pgp.enums.read(pgp.enums.hash, sig.packets[0]!.hashAlgorithm!).toUpperCase();
  const escaped = bytes
    .toString('latin1')
    .replace(/\n$/, '')
    .split('\n')
    .map((l) => (l.startsWith('-') ? `- ${l}` : l))
    .join('\n');
  return Buffer.from(`-----BEGIN PGP SIGNED MESSAGE-----\nHash: ${hash}\n\n${escaped}\n${armored}`, 'latin1');
}

async function main(): Promise<void> {
  mkdirSync(join(dir, 'keyring'), { recursive: true });
  const hanako = await key('Hanako Sato', 'hanako@isp-a.example');
  const mallory = await key('Mallory', 'mallory@attacker.example');
  writeFileSync(join(dir, 'keyring', 'hanako.asc'), hanako.publicKey.armor());
  writeFileSync(join(dir, 'mallory.asc'), mallory.publicKey.armor());

  const inline = await clearsign(Buffer.from(REPORT), hanako.privateKey);
  const plainType = 'Content-Type: text/plain; charset=us-ascii';
  writeFileSync(
    join(dir, 'clearsigned-report.eml'),
    `${headers('clearsigned', HANAKO, plainType)}\n\n${inline.toString('latin1')}${FOOTER}`,
  );
  const byMallory = await clearsign(Buffer.from(REPORT), mallory.privateKey);
  writeFileSync(
    join(dir, 'clearsigned-by-mallory.eml'),
    `${headers('mallory', HANAKO, plainType)}\n\n${byMallory.toString('latin1')}`,
  );
  const sjis = await clearsign(iconv.encode(REPORT_JA, 'Shift_JIS'), hanako.privateKey);
  writeFileSync(
    join(dir, 'clearsigned-shift_jis.eml'),
    Buffer.concat([Buffer.from(`${headers('sjis', HANAKO, SJIS_TYPE)}\n\n`), sjis]),
  );

  // RFC 3156: the signature covers the first part, its headers with it, as sent with CRLF line ends.
  const part = `Content-Type: text/plain; charset=us-ascii\nContent-Transfer-Encoding: 7bit\n\n${REPORT}`;
  const signed = await pgp.sign({
    message: await pgp.createMessage({ binary: Buffer.from(part.replace(/\n/g, '\r\n')) }),
    signingKeys: hanako.privateKey,
    detached: true,
    date: signedAt,
  });
  const multipart = [
    'This is an OpenPGP/MIME signed message (RFC 4880 and 3156)',
    '--=_signed_=',
    part,
    '--=_signed_=',
    'Content-Type: application/pgp-signature; name="signature.asc"',
    'Content-Description: OpenPGP digital signature',
    'Content-Disposition: attachment; filename="signature.asc"',
    '',
    signed,
    '--=_signed_=--',
    '',
  ].join('\n');
  const signedType =
    'Content-Type: multipart/signed; micalg=pgp-sha512;\n protocol="application/pgp-signature"; boundary="=_signed_="';
  writeFileSync(join(dir, 'pgp-mime-report.eml'), `${headers('pgp-mime', HANAKO, signedType)}\n\n${multipart}`);
  writeFileSync(join(dir, 'plain-report.eml'), `${headers('plain', HANAKO, plainType)}\n\n${REPORT}`);
  // As Mailman sends a signed post on: wrapped in multipart/mixed, its footer a part of its own.
  const listed = [
    '--=_list_=',
    `${signedType}\n\n${multipart}`,
    '--=_list_=',
    'Content-Type: text/plain; charset="us-ascii"\nContent-Transfer-Encoding: 7bit\nContent-Disposition: inline\n',
    FOOTER,
    '--=_list_=--',
    '',
  ].join('\n');
  writeFileSync(
    join(dir, 'pgp-mime-listed.eml'),
    `${headers('listed', HANAKO, 'Content-Type: multipart/mixed; boundary="=_list_="')}\n\n${listed}`,
  );
}

await main();
