import type { Context } from '../../context.ts';
import type { EventRow, Post, Report } from '../../model.ts';
import type { Step } from '../message.ts';

/**
 * Our reply already covers every port this post names: the thread it answers has it, or the open
 * event for the port does. The list gets one answer per incident, not one per post; what changes
 * later goes out as a follow-up.
 */
function alreadyAnswered(post: Post, report: Report, parents: EventRow[], ctx: Context): boolean {
  const { store, config } = ctx;
  const ancestors = [...new Set([...(post.inReplyTo ? [post.inReplyTo] : []), ...post.references])];
  const covered = new Set<number>();
  for (const id of ancestors) {
    if (!store.drafts.hasFor(id, 'reply')) continue;
    for (const x of store.messages.report(id)?.ports ?? []) covered.add(x.port);
  }
  const at = post.date ?? ctx.clock.now().toISOString();
  for (const claim of report.ports) {
    if (covered.has(claim.port)) continue;
    const events = [
      ...parents.filter((e) => e.port === claim.port),
      ...(['tcp', 'udp'] as const)
        .filter((proto) => claim.proto === null || claim.proto === proto)
        .map((proto) => store.events.findOpen(proto, claim.port, at, config.events.windowHours))
        .filter((e): e is EventRow => e !== null),
    ];
    if (events.some((e) => store.events.posts(e.id).some((x) => x.role === 'draft'))) covered.add(claim.port);
  }
  return report.ports.every((x) => covered.has(x.port));
}

/** Whether the post gets a reply: not when we answered the incident already, nor when our sensor has no data. */
export const decide: Step = (s, ctx) => {
  const post = s.post!;
  const report = s.report!;
  if (alreadyAnswered(post, report, s.parents, ctx)) {
    s.reason = 'already answered: our reply covers these ports';
    s.decision.stop('decide', 'already-answered', s.reason);
    return s.sightings.length ? 'sighting' : 'answered';
  }
  if (s.findings!.every((f) => f.verdict === 'no-data')) {
    ctx.log.info(
      { messageId: post.messageId, ports: report.ports.map((x) => x.port) },
      'no sensor data for any reported port; no draft',
    );
    s.reason = 'no sensor data for any reported port';
    s.decision.stop('decide', 'no-data', s.reason);
    return 'no-data';
  }
  const seen = s.findings!.filter((f) => f.verdict !== 'no-data').map((f) => `${f.proto ?? 'port'}/${f.port}`);
  s.decision.pass('decide', 'reply', `a reply: our counters have data on ${seen.join(', ')}`, { ports: seen });
  return undefined;
};
