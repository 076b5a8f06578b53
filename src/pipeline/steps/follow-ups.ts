import type { Context } from '../../context.ts';
import { triggerKey, type FollowUpTrigger } from '../../draft/followup.ts';
import { kinds } from '../../draft/kinds.ts';
import { mayGoToList } from '../../extract/tlp.ts';
import type { VerdictChange } from '../../events/link.ts';
import { tallyOf, visibleSightings } from '../../events/tally.ts';
import type { EventRow, Finding } from '../../model.ts';
import { insertDraft, prepareDraft } from '../drafts.ts';
import type { RunSummary, Step } from '../message.ts';

/**
 * Drafts the follow-ups that are due: for an event whose member confirmations reached the
 * configured number, and for one whose verdict on our own counters changed. Each is made once.
 */
export async function followUps(
  ctx: Context,
  eventIds: number[],
  changes: VerdictChange[],
  summary: RunSummary,
): Promise<void> {
  const { store, config } = ctx;
  const due: Array<{ event: EventRow; trigger: FollowUpTrigger }> = [];
  for (const id of eventIds) {
    const event = store.events.get(id);
    // Only what the list may see counts towards a follow-up: a TLP:RED reply never triggers one.
    if (event && tallyOf(visibleSightings(store.events.sightings(id))).confirm >= config.sightings.followUpAfter) {
      due.push({ event, trigger: { kind: 'confirmations' } });
    }
  }
  for (const c of changes) due.push({ event: c.event, trigger: { kind: 'verdict', from: c.from, to: c.to } });
  for (const { event, trigger } of due) {
    const key = triggerKey(trigger);
    if (store.events.hasFollowup(event.id, key)) continue;
    const posts = store.events.posts(event.id);
    const latest = [...posts]
      .reverse()
      .find((x) => x.finding && mayGoToList(store.messages.report(x.messageId)?.tlp ?? null))?.finding as
      Finding | undefined;
    const input = {
      event,
      trigger,
      sightings: store.events.sightings(event.id),
      latest: latest ?? null,
      thread: posts.filter((x) => x.role === 'draft').map((x) => x.messageId),
      reportTlp: store.messages.report(event.firstMessage)?.tlp ?? null,
      listId: store.messages.listId(event.firstMessage),
      config,
    };
    const draft = kinds.followup.render(input);
    if (!draft.to) {
      ctx.log.warn({ event: event.id }, 'follow-up due, but the event came through no configured list; not drafted');
      continue;
    }
    const prepared = await prepareDraft(ctx, draft, kinds.followup.fileName!(input, draft));
    const id = store.transaction(() => {
      if (!store.events.claimFollowup(event.id, key)) return null;
      const id = insertDraft(ctx, prepared);
      store.events.attachFollowup(event.id, key, id);
      return id;
    });
    if (id !== null) {
      ctx.log.info({ event: event.id, trigger: key, draft: id }, 'follow-up drafted');
      summary.drafts.push({ id, subject: prepared.draft.subject, path: prepared.path });
    }
  }
}

/**
 * After the commit: the follow-ups this message made due, on the events of its thread. A TLP:RED
 * post changes nothing the list hears: our verdict moving on its account would say it exists.
 */
export const followUpsStep: Step = async (s, ctx) => {
  const changes = mayGoToList(s.report!.tlp) ? s.changes : [];
  const before = s.summary.drafts.length;
  await followUps(ctx, [...new Set(s.parents.map((e) => e.id))], changes, s.summary);
  const made = s.summary.drafts.slice(before).map((d) => d.id);
  if (made.length) {
    s.decision.drafts.push(...made);
    s.decision.note('follow-ups', 'follow-up', `follow-ups drafted: ${made.map((id) => `#${id}`).join(', ')}`, {
      drafts: made,
    });
  }
  return undefined;
};
