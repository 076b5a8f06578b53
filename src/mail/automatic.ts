import type { Post } from '../model.ts';

/**
 * Why a message must never be answered, or null. RFC 3834: nothing automatic answers mail that
 * is itself automatic (Auto-Submitted other than "no"), a bounce (empty return path, delivery
 * reports), or bulk autoresponder mail; and the bot never answers its own posts.
 */
export function automaticReason(post: Post, ownAddress: string): string | null {
  if (post.headers['x-kansoku-draft']) return 'own post (X-Kansoku-Draft)';
  if (post.from && post.from.address === ownAddress.toLowerCase()) return 'own post (From)';
  if (post.auto.autoSubmitted && post.auto.autoSubmitted !== 'no')
    return `automatic (Auto-Submitted: ${post.auto.autoSubmitted})`;
  if (post.auto.returnPathEmpty) return 'bounce (empty return path)';
  if (post.auto.isBounce) return 'bounce (delivery report)';
  if (post.auto.precedence && /^(bulk|junk|auto_reply)$/.test(post.auto.precedence) && !post.listId) {
    return `automatic (Precedence: ${post.auto.precedence})`;
  }
  // Mailers that predate RFC 3834 mark their vacation replies this way.
  if (post.headers['x-autoreply'] || post.headers['x-autorespond']) return 'automatic (X-Autoreply)';
  if (/vacation/i.test(post.headers['x-apple-action'] ?? '')) return 'automatic (X-Apple-Action)';
  return null;
}
