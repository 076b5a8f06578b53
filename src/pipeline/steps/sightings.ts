import { eventsOfThread } from '../../events/link.ts';
import { extractOptions, extractReport } from '../../extract/report.ts';
import { ownText } from '../../mail/reply-text.ts';
import { classifyReply } from '../../sightings/classify.ts';
import { creditReply } from '../../sightings/credit.ts';
import type { Step } from '../message.ts';

/** A reply to a report (or to our draft) is a member's word on it: a sighting of each event of the thread. */
export const sightings: Step = (s, ctx) => {
  const { config, store, log } = ctx;
  const post = s.post!;
  s.parents = eventsOfThread(post, store, config.events.windowHours);
  if (!s.parents.length) {
    s.decision.pass('sightings', 'report', 'not a reply in the thread of a known event');
    return undefined;
  }
  const own = ownText(post.text);
  const said = extractReport({ ...post, subject: '', text: own }, extractOptions(config));
  const credit = creditReply(post, config);
  const verdict = classifyReply(own);
  const at = post.date ?? ctx.clock.now().toISOString();
  for (const e of s.parents) {
    s.sightings.push({
      eventId: e.id,
      messageId: post.messageId,
      verdict,
      sender: post.from?.address ?? null,
      org: credit.org,
      counted: credit.counted,
      why: credit.why,
      counts: Object.keys(said.counts).length ? said.counts : null,
      logLines: said.logLines.length,
      at,
      tlp: s.report!.tlp,
    });
  }
  const events = s.parents.map((e) => e.id);
  log.info({ messageId: post.messageId, verdict, org: credit.org, counted: credit.counted, events }, 'sighting');
  s.decision.note('sightings', verdict, `a reply on event ${events.map((id) => `#${id}`).join(', ')}: ${verdict}`, {
    events,
    verdict,
    org: credit.org,
    counted: credit.counted,
    why: credit.why,
  });
  return undefined;
};
