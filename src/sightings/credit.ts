import type { Config } from '../config/schema.ts';
import { addressDomain } from '../mail/address.ts';
import type { Post } from '../model.ts';

export interface Credit {
  org: string | null;
  counted: boolean;
  why: string;
}

function under(domain: string, parent: string): boolean {
  const p = parent.toLowerCase().replace(/^\./, '');
  return domain === p || domain.endsWith(`.${p}`);
}

/** The member organisation an address belongs to, by exact address first, then by domain. */
export function memberOrg(address: string, members: Config['members']): string | null {
  const a = address.toLowerCase();
  for (const m of members) if (m.addresses.some((x) => x.toLowerCase() === a)) return m.org;
  const d = addressDomain(a);
  for (const m of members) if (m.domains.some((x) => under(d, x))) return m.org;
  return null;
}

type DkimVerdict = 'pass' | 'fail' | 'none' | 'no-results';

/**
 * DKIM as our own receiving server judged it (RFC 8601). Only an Authentication-Results header
 * whose authserv-id is the trusted one is read, and the topmost of those: anything below it may
 * have been written by the sender. A pass counts only for a signing domain aligned with From.
 */
export function dkimAtTrustedServer(post: Post, trustedServerId: string): DkimVerdict {
  const header = post.authResults.find((h) => h.split(';')[0]!.trim().split(/\s+/)[0]!.toLowerCase() === trustedServerId.toLowerCase());
  if (!header) return 'no-results';
  const from = addressDomain(post.from?.address ?? '');
  let verdict: DkimVerdict = 'none';
  for (const part of header.split(';').slice(1)) {
    const m = /^\s*dkim\s*=\s*([a-z]+)/i.exec(part);
    if (!m) continue;
    const result = m[1]!.toLowerCase();
    const d = /header\.(?:d|i)\s*=\s*@?([^\s;]+)/i.exec(part)?.[1]?.toLowerCase() ?? '';
    if (result === 'pass' && d && (under(from, d) || under(d, from))) return 'pass';
    if (result === 'fail' || result === 'permerror') verdict = 'fail';
  }
  return verdict;
}

/**
 * Credits a reply to a member organisation. It counts as the organisation's word only when the
 * sender is a member and, where our trusted server reports DKIM, DKIM passed for the From domain.
 */
export function creditReply(post: Post, config: Config): Credit {
  const address = post.from?.address ?? '';
  const org = address ? memberOrg(address, config.members) : null;
  if (!org) return { org: null, counted: false, why: 'sender is not a configured member' };
  const trusted = config.auth.trustedServerId;
  if (!trusted) return { org, counted: true, why: 'member by From address (no trusted server configured)' };
  switch (dkimAtTrustedServer(post, trusted)) {
    case 'pass':
      return { org, counted: true, why: `member, DKIM pass at ${trusted}` };
    case 'no-results':
      return { org, counted: true, why: `member by From address (no Authentication-Results from ${trusted})` };
    case 'fail':
      return { org, counted: false, why: `DKIM failed at ${trusted}: From may be forged` };
    case 'none':
      return { org, counted: false, why: `no DKIM pass for the From domain at ${trusted}` };
  }
}
