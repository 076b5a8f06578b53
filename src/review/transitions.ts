import { KansokuError } from '../errors.ts';
import type { DraftStatus } from '../model.ts';
import type { Revision, Store, StoredDraft } from '../store/index.ts';

export type ReviewAction = 'approve' | 'reject' | 'release';

/**
 * Which status changes a reviewer may make. Sending (approved -> sent) belongs to the sender. A
 * decision can be reversed until the draft is sent; a held draft is released before it is approved.
 */
const transitions: Record<ReviewAction, DraftStatus[]> = {
  approve: ['draft', 'rejected'],
  reject: ['draft', 'approved', 'held'],
  release: ['held'],
};

const outcome: Record<ReviewAction, Exclude<DraftStatus, 'held'>> = {
  approve: 'approved',
  reject: 'rejected',
  release: 'draft',
};

/** The status `action` takes the draft to, or the error that says why a reviewer may not take it. */
export function nextStatus(d: StoredDraft, action: ReviewAction): Exclude<DraftStatus, 'held'> {
  if (!transitions[action].includes(d.status))
    throw new KansokuError(
      'DRAFT_STATE',
      'review',
      `#${d.id} is ${d.status}; ${action} needs ${transitions[action].join(' or ')}`,
    );
  if (action === 'approve' && d.tlp === 'RED' && d.kind !== 'alert')
    throw new KansokuError('DRAFT_TLP_RED', 'review', `#${d.id}`);
  // A hold is lifted by a release only: rejecting a held draft and approving it again must
  // not walk around it.
  if (action === 'approve' && d.heldReason)
    throw new KansokuError('DRAFT_STATE', 'review', `#${d.id} is held (${d.heldReason}); release it first`);
  return outcome[action];
}

/** A note for the audit trail, on one line: a note never reads as a line of the trail (or of a diff) itself. */
export function oneLine(note: string | null): string | null {
  const t = note?.replace(/\s+/g, ' ').trim();
  return t ? t : null;
}

/** When an approval made now may go: after review.sendDelaySeconds, so that a reversal has time to land. */
export function sendAfter(delaySeconds: number, now = Date.now()): string | null {
  return delaySeconds ? new Date(now + delaySeconds * 1000).toISOString() : null;
}

/**
 * Approves, rejects or releases a draft and records who did it and when. `revision`, when given,
 * is the revision the person read: an approval of any other is refused. Approval also stores the
 * intent to send (the outbox row, not to go before `sendAfter`) in the same transaction; a
 * rejection withdraws an intent that has not been tried yet. The review token stays valid until
 * the draft is sent, so that a second mail can reverse the first.
 */
export function decide(
  store: Pick<Store, 'transaction' | 'drafts' | 'outbox'>,
  id: number,
  action: ReviewAction,
  actor: string,
  note: string | null,
  sendAfter: string | null = null,
  revision?: number,
): StoredDraft {
  return store.transaction(() => {
    for (;;) {
      const d = store.drafts.get(id);
      // An approval is of the words the person read: a draft revised since is read again first.
      if (action === 'approve' && revision !== undefined && d.revision !== revision)
        throw new KansokuError(
          'DRAFT_REVISED',
          'review',
          `#${id} is at revision ${d.revision}, not ${revision}: ` +
            `"kansoku show ${id}", then approve --revision ${d.revision}`,
        );
      const moved = store.drafts.transition(id, d, nextStatus(d, action), { action, actor, note: oneLine(note) });
      // Another instance on the store moved the draft between the read and the update: judge
      // the action again against what it did.
      if (!moved) continue;
      if (action === 'approve')
        store.outbox.enqueue({
          draftId: id,
          kind: 'draft',
          messageId: d.messageId,
          envelopeFrom: d.envelopeFrom,
          envelopeTo: d.to,
          raw: d.eml,
          notBefore: sendAfter,
        });
      else store.outbox.withdraw(id);
      return moved;
    }
  });
}

/** The draft's send intent was already tried: it may be out, and its words stay as they went. */
class AlreadyTried extends Error {}

/**
 * Puts a new revision in place of a draft that was not sent, in one transaction, recorded with who
 * and why. The draft goes back before review: an approval is taken back, since the person
 * approved other words. Null when the draft moved since `seen` was read, or when a send of it was
 * already tried (it may be out).
 */
export function revise(
  store: Pick<Store, 'transaction' | 'drafts' | 'outbox'>,
  seen: StoredDraft,
  next: Revision,
  actor: string,
  note: string,
): StoredDraft | null {
  try {
    return store.transaction(() => {
      // A send that was tried may be out, whatever became of the draft after it.
      if (store.outbox.attempted(seen.id)) throw new AlreadyTried();
      const revised = store.drafts.revise(seen.id, seen, next, { actor, note });
      if (revised && seen.status === 'approved') store.outbox.withdraw(seen.id);
      return revised;
    });
  } catch (err) {
    if (err instanceof AlreadyTried) return null;
    throw err;
  }
}
