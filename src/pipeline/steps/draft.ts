import { kinds } from '../../draft/kinds.ts';
import { prepareDraft } from '../drafts.ts';
import type { Step } from '../message.ts';

/** Renders our reply and builds it through the outbound gate; the runner stores it with the message. */
export const draft: Step = async (s, ctx) => {
  const post = s.post!;
  const report = s.report!;
  const findings = s.findings!;
  const input = { post, report, findings, config: ctx.config };
  const reply = kinds.reply.render(input);
  s.reply = await prepareDraft(ctx, reply, kinds.reply.fileName!(input, reply), {
    hold: s.hold,
    gate: s.gate ?? undefined,
  });
  s.reason = s.hold ? `drafted reply, held: ${s.hold}` : 'drafted reply';
  const data = { messageId: reply.messageId, tlp: s.reply.draft.tlp };
  if (s.reply.refused) {
    s.decision.pass('draft', 'refused', `drafted, refused by the outbound gate and held: ${s.reply.refused}`, data);
    return 'held';
  }
  if (s.reply.heldReason) {
    s.decision.pass('draft', 'held', `drafted, held for a person: ${s.reply.heldReason}`, data);
    return 'held';
  }
  const next = s.reply.automatic ? 'approved without a person (send.autoSend)' : 'waiting for review';
  s.decision.pass('draft', 'drafted', `drafted a reply at TLP:${s.reply.draft.tlp}, ${next}`, data);
  return 'drafted';
};
