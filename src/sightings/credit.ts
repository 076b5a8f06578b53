import type { Config } from '../config/schema.ts';
import { addressDomain } from '../mail/address.ts';
import type { Post } from '../model.ts';
import { authenticatedFrom } from './auth.ts';

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

/**
 * Credits a reply to a member organisation. It counts as the organisation's word only when the
 * sender is a member and its From is authenticated (see authenticatedFrom).
 */
export function creditReply(post: Post, config: Config): Credit {
  const address = post.from?.address ?? '';
  const org = address ? memberOrg(address, config.members) : null;
  if (!org) return { org: null, counted: false, why: 'sender is not a configured member' };
  const verdict = authenticatedFrom(post, config.auth.trustedServerId);
  return { org, counted: verdict.ok, why: `member, ${verdict.why}` };
}
