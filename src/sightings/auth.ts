import { domainToASCII } from 'node:url';
import { getDomain } from 'tldts';
import { addressDomain } from '../mail/address.ts';
import type { Post } from '../model.ts';

export type AuthVerdict = { ok: true; why: string } | { ok: false; why: string };

/** One method result of an Authentication-Results header, e.g. `dkim=pass header.d=example.com`. */
export interface ResInfo {
  method: string;
  result: string;
  /** reason and every propspec, keyed in lower case (`reason`, `header.d`, `smtp.mailfrom`). */
  props: Map<string, string>;
}

export interface AuthResults {
  authservId: string;
  results: ResInfo[];
}

type Token = { kind: 'value'; text: string } | { kind: ';' | '=' | '/' };

/**
 * The lexical tokens of an Authentication-Results value (RFC 8601 section 2.2 over RFC 5322):
 * comments, nested or not, are dropped like whitespace, and a quoted-string is one value whose
 * `;` and `=` are plain characters. A string or comment left open runs to the end, so nothing a
 * sender smuggled into one can surface as a result of its own.
 */
function tokenize(s: string): Token[] {
  const out: Token[] = [];
  // Pieces that touch, like `"john doe"@example.com`, make one value.
  let value: string | null = null;
  const end = () => {
    if (value !== null) out.push({ kind: 'value', text: value });
    value = null;
  };
  let i = 0;
  while (i < s.length) {
    const c = s[i]!;
    if (c === ' ' || c === '\t' || c === '\r' || c === '\n') {
      end();
      i++;
    } else if (c === '(') {
      end();
      let depth = 0;
      for (; i < s.length; i++) {
        if (s[i] === '\\') i++;
        else if (s[i] === '(') depth++;
        else if (s[i] === ')' && --depth === 0) break;
      }
      i++;
    } else if (c === '"') {
      let text = '';
      for (i++; i < s.length && s[i] !== '"'; i++) {
        if (s[i] === '\\' && i + 1 < s.length) i++;
        text += s[i];
      }
      i++;
      value = (value ?? '') + text;
    } else if (c === ';' || c === '=' || c === '/') {
      end();
      out.push({ kind: c });
      i++;
    } else {
      value = (value ?? '') + c;
      i++;
    }
  }
  end();
  return out;
}

function text(t: Token | undefined): string | null {
  return t?.kind === 'value' ? t.text : null;
}

/**
 * `method [/ version] = result` followed by `name = value` pairs; anything else makes the whole
 * resinfo unreadable, and an unreadable one is never taken for a pass.
 */
function resinfo(tokens: Token[]): ResInfo | null {
  const method = text(tokens[0]);
  let i = 1;
  if (tokens[i]?.kind === '/') {
    if (!/^\d+$/.test(text(tokens[i + 1]) ?? '')) return null;
    i += 2;
  }
  const result = tokens[i]?.kind === '=' ? text(tokens[i + 1]) : null;
  if (!method || result === null) return null;
  const props = new Map<string, string>();
  for (i += 2; i < tokens.length; i += 3) {
    const name = text(tokens[i]);
    const value = tokens[i + 1]?.kind === '=' ? text(tokens[i + 2]) : null;
    if (!name || value === null) return null;
    props.set(name.toLowerCase(), value);
  }
  return { method: method.toLowerCase(), result: result.toLowerCase(), props };
}

/**
 * Reads one unfolded Authentication-Results value; null when it does not open with an authserv-id.
 * What follows the id before the first `;` (a version) is not checked: a header would otherwise
 * stop being ours over it, and the one below it, which the sender may have written, be read instead.
 */
export function parseAuthResults(header: string): AuthResults | null {
  const segments: Token[][] = [[]];
  for (const t of tokenize(header)) {
    if (t.kind === ';') segments.push([]);
    else segments[segments.length - 1]!.push(t);
  }
  const [head, ...rest] = segments as [Token[], ...Token[][]];
  const authservId = text(head[0]);
  if (!authservId) return null;
  return { authservId, results: rest.flatMap((r) => resinfo(r) ?? []) };
}

const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * The Organizational Domain (RFC 7489 section 3.2): the public suffix plus one label, by the
 * Public Suffix List, private section included so that two tenants of a hosting suffix (such as
 * github.io) are not one organisation. Null for a public suffix itself and for anything that is
 * not a host name, since tldts would otherwise dig a host out of a URL-like string.
 */
function organizationalDomain(domain: string): string | null {
  const d = domain.toLowerCase().replace(/\.$/, '');
  if (/[\x00-\x2c/\x3a-\x60\x7b-\x7f]/.test(d)) return null;
  const ascii = domainToASCII(d);
  if (!ascii || !ascii.split('.').every((l) => LABEL.test(l))) return null;
  return getDomain(ascii, { allowPrivateDomains: true });
}

/** RFC 7489 relaxed alignment; a domain with no Organizational Domain aligns with nothing. */
function aligned(a: string, b: string): boolean {
  const x = organizationalDomain(a);
  return x !== null && x === organizationalDomain(b);
}

/** The signing domain of a DKIM result: header.d, else the domain of the AUID in header.i. */
function signingDomain(r: ResInfo): string | null {
  const d = r.props.get('header.d');
  if (d) return d;
  const i = r.props.get('header.i');
  return i ? addressDomain(i, '') || i : null;
}

/**
 * The sender's From is authenticated: an aligned DKIM pass at our trusted server (or, with no
 * trusted server configured, trusted by From alone with why saying so). Only the topmost header
 * of the trusted authserv-id is read: ours is added last, anything below it came with the message.
 */
export function authenticatedFrom(post: Post, trustedServerId: string | null): AuthVerdict {
  const from = addressDomain(post.from?.address ?? '', '');
  if (!from) return { ok: false, why: 'no From address' };
  if (!trustedServerId) return { ok: true, why: 'trusted by From alone (no trusted server configured)' };
  const id = trustedServerId.toLowerCase();
  const ours = post.authResults.map(parseAuthResults).find((h) => h?.authservId.toLowerCase() === id);
  if (!ours) return { ok: false, why: `no Authentication-Results from ${trustedServerId}` };
  const dkim = ours.results.filter((r) => r.method === 'dkim');
  const pass = dkim.filter((r) => r.result === 'pass');
  const good = pass.map(signingDomain).find((d) => d !== null && aligned(d, from));
  if (good) return { ok: true, why: `DKIM pass for ${good} at ${trustedServerId}, aligned with From ${from}` };
  if (pass.length > 0) {
    const ds = pass.map((r) => signingDomain(r) ?? '(no domain)').join(', ');
    return { ok: false, why: `DKIM passed at ${trustedServerId} only for ${ds}, not aligned with From ${from}` };
  }
  if (dkim.length > 0)
    return { ok: false, why: `DKIM ${dkim.map((r) => r.result).join(', ')} at ${trustedServerId}: From may be forged` };
  return { ok: false, why: `no DKIM result at ${trustedServerId}` };
}
