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
  const held = s.reply.heldReason ?? (s.reply.refused ? `outbound gate: ${s.reply.refused}` : null);
  if (held) {
    s.decision.pass('draft', s.reply.refused ? 'refused' : 'held', `drafted, held for a person: ${held}`, {
      messageId: reply.messageId,
      tlp: s.reply.draft.tlp,
    });
    return 'held';
  }
  s.decision.pass('draft', 'drafted', `drafted a reply at TLP:${s.reply.draft.tlp}, waiting for review`, {
    messageId: reply.messageId,
    tlp: s.reply.draft.tlp,
  });
  return 'drafted';
};
