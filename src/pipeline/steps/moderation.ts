import { KansokuError } from '../../errors.ts';
import { decisionNote } from '../../draft/review.ts';
import { decisionNoteId, moderatorDecision } from '../../review/mail.ts';
import { decide } from '../../review/transitions.ts';
import { gateOf, ownAddress } from '../drafts.ts';
import { recordOf, type Step } from '../message.ts';

/**
 * A moderator's mail: approves or rejects the draft its token names (an approval waits
 * review.sendDelaySeconds before it goes, so that a second mail can reverse it). Mail that decides
 * nothing is logged, and a moderator is told why in a short bilingual note.
 */
export const moderation: Step = async (s, ctx, tools) => {
  const { store, config, log } = ctx;
  const post = s.post!;
  const decision = moderatorDecision(post, config);
  if (!decision) return undefined;
  const draft = store.drafts.byReviewToken(decision.token);
  const ignore = async (reason: string, answer: string | null) => {
    log.warn({ messageId: post.messageId, from: post.from?.address, reason }, 'review reply ignored');
    const note = answer
      ? await gateOf(ctx).build(decisionNote(post, answer, reason, draft?.tlp ?? 'AMBER', config))
      : null;
    if (note?.problems.length) {
      log.error({ messageId: post.messageId, problems: note.problems }, 'outbound gate refused a note to a moderator');
    }
    s.status = 'skipped';
    s.reason = `review reply ignored: ${reason}`;
    s.decision.stop('moderation', 'ignored', s.reason, { from: post.from?.address ?? null, answered: Boolean(answer) });
    tools.commit(() => {
      store.messages.add(recordOf(s, 'review'));
      if (note && !note.problems.length) {
        store.outbox.enqueue({
          draftId: draft?.id ?? null,
          kind: 'review',
          messageId: decisionNoteId(post, config),
          envelopeFrom: ownAddress(config),
          envelopeTo: answer!,
          raw: note.raw,
        });
      }
    });
    return 'review' as const;
  };
  if (decision.kind === 'ignored') return ignore(decision.reason, decision.answer);
  if (!draft) return ignore('the token is unknown, or its draft was already sent', decision.moderator);
  const sendAfter =
    decision.action === 'approve'
      ? new Date(ctx.clock.now().getTime() + config.review.sendDelaySeconds * 1000).toISOString()
      : null;
  s.status = 'processed';
  s.reason = `review: ${decision.action} draft #${draft.id}`;
  s.decision.stop('moderation', decision.action, s.reason, {
    draft: draft.id,
    moderator: decision.moderator,
    sentence: decision.sentence,
    sendAfter,
  });
  try {
    tools.commit(() => {
      decide(
        store,
        draft.id,
        decision.action,
        `mail:${decision.moderator}`,
        `by reply ${post.messageId}: "${decision.sentence}"`,
        sendAfter,
        // The token was issued for this revision; a revision since issued another.
        draft.revision,
      );
      store.messages.add(recordOf(s, 'review'));
    });
  } catch (err) {
    if (!(err instanceof KansokuError)) throw err;
    s.decision.steps.pop();
    return ignore(err.message, decision.moderator);
  }
  log.info(
    { draft: draft.id, action: decision.action, moderator: decision.moderator, sendAfter },
    'draft decided by mail',
  );
  return 'review';
};
