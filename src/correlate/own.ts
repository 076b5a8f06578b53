import type { OwnNetworks } from '../extract/notations.ts';
import type { Post } from '../model.ts';

/**
 * Our own addresses (or prefixes) that a post names, in any notation, anywhere: as the sources of
 * a scan (our customer scanning others) or as its targets. They are ours to look into first, never
 * the list's to read in our answer.
 */
export function ownNetworkSources(post: Post, networks: OwnNetworks): string[] {
  if (networks.empty) return [];
  const found = new Set<string>();
  for (const t of [post.subject, post.text, ...post.attachments.map((a) => a.text)])
    for (const m of networks.find(t)) found.add(m.value);
  return [...found].sort();
}
