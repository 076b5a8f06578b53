import type { Step } from '../message.ts';
import { runUpdates } from '../updates.ts';

/**
 * After the commit: the follow-ups and revisions the message made due (claimed in its commit),
 * and any a process that died before left.
 */
export const followUpsStep: Step = async (s, ctx) => {
  const made = await runUpdates(ctx, s.summary);
  if (made.length) {
    s.decision.drafts.push(...made.filter((id) => !s.decision.drafts.includes(id)));
    s.decision.note(
      'follow-ups',
      'follow-up',
      `follow-ups drafted or drafts revised: ${made.map((id) => `#${id}`).join(', ')}`,
      {
        drafts: made,
      },
    );
  }
  return undefined;
};
