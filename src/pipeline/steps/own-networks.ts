import { ownNetworkSources } from '../../correlate/own.ts';
import { kinds } from '../../draft/kinds.ts';
import { gateOf, prepareDraft } from '../drafts.ts';
import type { Step } from '../message.ts';

/**
 * Our own networks named in a post (our customer scanning others, say) are for us first: a private
 * alert with the whole detail, whatever else the post gets, and any public draft held until a
 * person releases it.
 */
export const ownNetworks: Step = async (s, ctx) => {
  const post = s.post!;
  const report = s.report!;
  s.gate = gateOf(ctx);
  const own = ownNetworkSources(post, s.gate.networks);
  if (!own.length) return undefined;
  s.hold = `the post names our own networks: ${own.join(', ')}`;
  const input = { post, report, addresses: own, networks: s.gate.networks, config: ctx.config };
  const alert = kinds.alert.render(input);
  s.alert = await prepareDraft(ctx, alert, kinds.alert.fileName!(input, alert), { gate: s.gate });
  ctx.log.warn({ messageId: post.messageId, addresses: own }, 'post names our own networks: private alert stored');
  s.decision.note('own-networks', 'own-networks', s.hold, { addresses: own });
  return undefined;
};
