import { existsSync, renameSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { reviewRequest } from '../draft/review.ts';
import { reviewRequestId } from '../review/mail.ts';
import { decide } from '../review/transitions.ts';
import type { StoredDraft } from '../store/index.ts';
import { gateOf, ownAddress } from './drafts.ts';
import type { Context } from '../context.ts';

/**
 * Releases a held draft into review: its file leaves outbox/held/, and with mail review on, the
 * moderators get the review request a held draft never had, so that they can approve it by mail.
 */
export async function releaseDraft(
  p: Context,
  id: number,
  by: string,
  note: string | null,
): Promise<{ draft: StoredDraft; movedTo: string | null; requested: boolean }> {
  const d = decide(p.store, id, 'release', by, note);
  let movedTo: string | null = null;
  if (d.emlPath && basename(dirname(d.emlPath)) === 'held' && existsSync(d.emlPath)) {
    movedTo = join(dirname(dirname(d.emlPath)), basename(d.emlPath));
    renameSync(d.emlPath, movedTo);
    p.store.drafts.moved(d.id, movedTo);
  }
  const address = p.config.review.address;
  if (!address || !d.reviewToken) return { draft: d, movedTo, requested: false };
  const built = await gateOf(p).build(reviewRequest(d, d.reviewToken, p.config));
  if (built.problems.length) {
    p.log.error(
      { draft: d.id, problems: built.problems },
      'outbound gate refused the review request of a released draft; approve it from the CLI',
    );
    return { draft: d, movedTo, requested: false };
  }
  p.store.outbox.enqueue({
    draftId: d.id,
    kind: 'review',
    messageId: reviewRequestId(d.reviewToken, p.config),
    envelopeFrom: ownAddress(p.config),
    envelopeTo: address,
    raw: built.raw,
  });
  return { draft: d, movedTo, requested: true };
}
