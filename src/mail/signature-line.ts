import type { PostSignature } from '../model.ts';

// A module of its own: the CLI's printing and the desk show signatures without loading the MIME
// and OpenPGP code that checks them.

/**
 * A post's signature in one line, for the person who reviews a draft (the desk, `kansoku extract`,
 * the Decision): who signed, which key, whether it verified, and whether it covers the whole post.
 * It says who wrote the signed text; whether the figures in it are right is for our counters.
 */
export function signatureLine(s: PostSignature, lang: 'ja' | 'en'): string {
  const key = s.keyId ? `0x${s.keyId}` : null;
  const detail = s.detail ? (lang === 'ja' ? `：${s.detail}` : `: ${s.detail}`) : '';
  // openpgp.js says so when the hash differs; a refused weak hash or an expired key is no alteration.
  const altered = /digest did not match/i.test(s.detail ?? '');
  if (lang === 'ja') {
    const why = altered ? '本文が改変された可能性があります' : '署名が無効です';
    const what = {
      verified: `${s.signer ?? ''}（鍵 ${key}、検証済み）`,
      bad: `鍵 ${key} の署名を検証できません（${why}${detail}）`,
      'unknown-key': `鍵 ${key}（鍵束にない鍵のため未検証）`,
      'no-keyring': `鍵 ${key}（鍵束が未設定のため未検証）`,
      unreadable: `読み取れないため未検証（${s.detail ?? ''}）`,
    }[s.status];
    return `署名：${what}${s.partial ? '。署名されているのは投稿の一部だけです' : ''}`;
  }
  const why = altered ? 'the signed text may have been altered' : 'invalid';
  const what = {
    verified: `signed by ${s.signer ?? ''} (key ${key}), verified`,
    bad: `signature by key ${key} does NOT verify (${why}${detail})`,
    'unknown-key': `signed with key ${key}, not verified: key not in keyring`,
    'no-keyring': `signed with key ${key}, not verified: no keyring configured (auth.pgpKeyring)`,
    unreadable: `signature not verified: unreadable${detail}`,
  }[s.status];
  return `${what}${s.partial ? '; partly signed: text outside the signed part is not covered' : ''}`;
}
