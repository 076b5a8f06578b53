import type { Message, PublicKey, Signature } from 'openpgp';
import type { PostSignature } from '../model.ts';
import { keyringAt, openpgp } from './keyring.ts';
import { decodedBody, entity, parts, type Entity } from './mime.ts';
import { BEGIN, END, SIGNATURE } from './pgp.ts';

export interface SignatureOptions {
  /** auth.pgpKeyring: null, signatures are read and named but not checked. */
  keyring: string | null;
  /** limits.maxSignatureBytes. */
  maxSignatureBytes: number;
}

/** Where the first line from `from` on that is the armor line `armor` (blanks after it allowed) starts and ends. */
function armorLine(text: string, armor: string, from: number): { start: number; end: number } | null {
  for (let at = text.indexOf(armor, from); at >= 0; at = text.indexOf(armor, at + 1)) {
    if (at > 0 && text[at - 1] !== '\n') continue;
    const eol = text.indexOf('\n', at);
    const end = eol < 0 ? text.length : eol;
    if (!text.slice(at + armor.length, end).trim()) return { start: at, end };
  }
  return null;
}

/** What a signature covers and what it is, as found in the raw message, before any check. */
interface Signed {
  kind: PostSignature['kind'];
  /** The armored cleartext message, or nothing for PGP/MIME. */
  armored: string;
  /** The armored signature block. */
  block: string;
  /** PGP/MIME: the bytes signed, line ends made CRLF. */
  data?: Buffer;
  /** The size of the armored signature block alone, for limits.maxSignatureBytes. */
  blockBytes: number;
  partial: boolean;
}

/**
 * The post's own OpenPGP signature, checked against the keyring: inline (RFC 4880 section 7) or
 * PGP/MIME (RFC 3156). Read from the message's bytes, not from mailparser's decoded text: a
 * signature covers the bytes its signer sent, in the charset they were in. Never throws; what it
 * could not do is said in `warnings`. null when the post carries no signature of its own.
 */
export async function verifySignature(
  raw: Buffer,
  listId: string | null,
  opts: SignatureOptions,
  warnings: string[],
): Promise<PostSignature | null> {
  let found: Signed | null;
  try {
    found = signedPart(raw, listName(listId));
  } catch (err) {
    warnings.push(`signature: the signed part could not be found (${(err as Error).message})`);
    return null;
  }
  if (!found) return null;
  const base = { kind: found.kind, ...(found.partial ? { partial: true } : {}) };
  if (found.blockBytes > opts.maxSignatureBytes) {
    const cap = opts.maxSignatureBytes;
    const detail = `signature block of ${found.blockBytes} bytes, over limits.maxSignatureBytes (${cap})`;
    warnings.push(`${detail}; not verified`);
    return { ...base, status: 'unreadable', keyId: null, detail };
  }
  try {
    return { ...base, ...(await check(found, opts, warnings)) };
  } catch (err) {
    // openpgp throws on what its reader did not expect; a post is still read without its signature.
    return { ...base, status: 'unreadable', keyId: null, detail: (err as Error).message };
  }
}

type Outcome = Omit<PostSignature, 'kind' | 'partial'>;

async function check(found: Signed, opts: SignatureOptions, warnings: string[]): Promise<Outcome> {
  const pgp = await openpgp();
  let signature: Signature;
  try {
    signature = await pgp.readSignature({ armoredSignature: found.block });
  } catch (err) {
    return { status: 'unreadable', keyId: null, detail: (err as Error).message };
  }
  // Packets openpgp.js does not support (version 3 signatures, GnuPG 1.4's) read as nothing.
  const ids = signature.getSigningKeyIDs().filter(Boolean);
  if (!ids.length) return { status: 'unreadable', keyId: null, detail: 'no signature packet that can be read' };
  const keyId = ids[0]!.toHex().toUpperCase();
  const named = signature.packets[0]?.issuerFingerprint;
  const fingerprint = named ? { fingerprint: Buffer.from(named).toString('hex').toUpperCase() } : {};
  // Without a keyring nothing is verified, and the signed text need not be read at all.
  if (!opts.keyring) return { status: 'no-keyring', keyId, ...fingerprint };
  let message: Message<Uint8Array>;
  try {
    if (found.kind === 'cleartext') {
      // latin1 keeps every byte as one character: openpgp un-escapes the dashes and drops the
      // trailing blanks (RFC 4880 section 7.1), and the text goes back to the signer's bytes.
      const clear = await pgp.readCleartextMessage({ cleartextMessage: found.armored });
      message = await pgp.createMessage({ binary: crlf(Buffer.from(clear.getText(), 'latin1')) });
    } else message = await pgp.createMessage({ binary: found.data! });
  } catch (err) {
    return { status: 'unreadable', keyId, ...fingerprint, detail: (err as Error).message };
  }
  const ring = await keyringAt(opts.keyring);
  warnings.push(...ring.problems.map((p) => `${p}; signatures checked against the keys that did read`));
  const { signatures } = await pgp.verify({ message, signature, verificationKeys: ring.keys });
  for (const r of signatures) {
    const key = ring.keys.find((k) => k.getKeys(r.keyID).length > 0);
    if (!key) continue;
    const id = r.keyID.toHex().toUpperCase();
    const fpr = key.getFingerprint().toUpperCase();
    try {
      await r.verified;
    } catch (err) {
      return { status: 'bad', keyId: id, fingerprint: fpr, detail: (err as Error).message };
    }
    return { status: 'verified', signer: await userId(key), keyId: id, fingerprint: fpr };
  }
  return { status: 'unknown-key', keyId, ...fingerprint };
}

async function userId(key: PublicKey): Promise<string> {
  try {
    return (await key.getPrimaryUser()).user.userID?.userID ?? key.getUserIDs()[0] ?? '';
  } catch {
    return key.getUserIDs()[0] ?? '';
  }
}

function crlf(data: Buffer): Buffer {
  return Buffer.from(data.toString('latin1').replace(/\r?\n/g, '\r\n'), 'latin1');
}

/** The list's name as its footer writes it: the first label of its List-Id ("nsp-sec-jp"). */
function listName(listId: string | null): string | null {
  return listId?.split('.')[0] || null;
}

/**
 * Whether unsigned text says anything: a list footer says nothing only when it can be told for
 * sure, a rule of underscores (as Mailman writes it) and then lines that name the list or are a
 * link. Anything else is text the signature does not cover (CVE-2023-41037).
 */
function substantive(text: string, list: string | null): boolean {
  const lines = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);
  if (!lines.length) return false;
  if (!list || !/^_{10,}$/.test(lines[0]!)) return true;
  return lines.slice(1).some((l) => !l.toLowerCase().includes(list) && !/^<?https?:\/\/\S+$/.test(l));
}

/** Another part of the message, outside the signed one: text of substance unless a footer. */
function outsideSays(e: Entity, list: string | null): boolean {
  if (!e.type.startsWith('text/plain')) return true;
  return substantive(decodedBody(e).toString('latin1'), list);
}

/** RFC 3156 names the protocol; some clients leave it out, and S/MIME (RFC 8551) always names its own. */
const isPgpMime = (e: Entity) =>
  e.type === 'multipart/signed' &&
  ['application/pgp-signature', ''].includes((e.params['protocol'] ?? '').toLowerCase().trim());

/**
 * Where the post's signature is: the message itself or, as a list wraps a post to add its footer,
 * one part of it; for inline signatures, its first text part, or one in an alternative. A signed
 * message quoted, forwarded or attached deeper down is someone else's.
 */
function signedPart(raw: Buffer, list: string | null): Signed | null {
  const root = entity(raw);
  const children = parts(root);
  const mime = isPgpMime(root) ? root : children.find(isPgpMime);
  if (mime) {
    const [content, sig] = parts(mime);
    const block = sig?.type === 'application/pgp-signature' ? decodedBody(sig).toString('latin1') : '';
    return {
      kind: 'pgp-mime',
      armored: '',
      block,
      data: content ? crlf(content.raw) : Buffer.alloc(0),
      blockBytes: block.length,
      partial: mime !== root && children.some((c) => c !== mime && outsideSays(c, list)),
    };
  }
  const leaves = children.length
    ? children.flatMap((c) => (c.type === 'multipart/alternative' ? parts(c) : [c]))
    : [root];
  for (const leaf of leaves) {
    if (!leaf.type.startsWith('text/plain')) continue;
    const text = decodedBody(leaf).toString('latin1');
    const begin = armorLine(text, BEGIN, 0);
    if (!begin) continue;
    const sig = armorLine(text, SIGNATURE, begin.end);
    const stop = (sig && armorLine(text, END, sig.end)?.end) ?? text.length;
    const others = leaves.filter((l) => l !== leaf);
    return {
      kind: 'cleartext',
      armored: text.slice(begin.start, stop),
      block: sig ? text.slice(sig.start, stop) : '',
      blockBytes: sig ? stop - sig.start : 0,
      partial:
        substantive(text.slice(0, begin.start), null) ||
        substantive(text.slice(stop), list) ||
        others.some((o) => outsideSays(o, list)),
    };
  }
  return null;
}
