/**
 * What a message makes due on its events after our first word on them: a follow-up in the thread
 * when members' confirmations add up or our verdict changes after we spoke, and a new revision of
 * our draft while it is not sent yet (a follow-up only ever follows a message the list has seen).
 *
 * What is due is claimed in the message's own transaction and done after it; a claim the process
 * died before doing is done by the next run, so no verdict change is lost between the two.
 */
import { rmSync } from 'node:fs';
import type { Context } from '../context.ts';
import { correlate } from '../correlate/correlate.ts';
import { triggerKey, type FollowUpTrigger } from '../draft/followup.ts';
import { kinds } from '../draft/kinds.ts';
import type { VerdictChange } from '../events/link.ts';
import { tallyOf, visibleSightings } from '../events/tally.ts';
import { mayGoToList } from '../extract/tlp.ts';
import type { EventRow, Finding, Tlp, Verdict } from '../model.ts';
import type { PendingUpdate, StoredDraft } from '../store/index.ts';
import { insertDraft, prepareDraft, revisionNote, storeRevision } from './drafts.ts';
import type { RunSummary } from './message.ts';

const REVISE = 'revise:';
const MINUTE_MS = 60_000;

/** What made a revision due: the post whose evidence it is written from, and the verdict change, if any. */
interface RevisionDue {
  draftId: number;
  post: string;
  change: { from: Verdict; to: Verdict } | null;
}

/** Our drafts on an event (replies and follow-ups), oldest first. */
function oursOn(ctx: Context, eventId: number): StoredDraft[] {
  return ctx.store.events
    .posts(eventId)
    .filter((x) => x.role === 'draft')
    .map((x) => ctx.store.drafts.byMessageId(x.messageId))
    .filter((d): d is StoredDraft => d !== null);
}

/** Whether the list has heard from us on the event: a follow-up follows only what went out. */
export function spokeOn(ctx: Context, eventId: number): boolean {
  return oursOn(ctx, eventId).some((d) => d.status === 'sent');
}

/** When the evidence of a draft's current words was taken: its latest revision's, else its post's. */
function judgedAt(ctx: Context, d: StoredDraft): string | null {
  return ctx.store.events.revisedAt(d.id) ?? ctx.store.messages.get(d.sourceMessageId)?.sentAt ?? null;
}

/**
 * In the message's transaction: claims what the message made due. `events` are those its port
 * claims were linked to, with the verdict changes that linking found; `thread` the events of the
 * thread it replies in, whose tallies its sightings may have completed; `drafted` our reply to it,
 * if it got one now. A TLP:RED post changes nothing the list hears: our verdict moving on its
 * account would say it exists.
 */
export function claimUpdates(
  ctx: Context,
  m: {
    messageId: string;
    at: string;
    tlp: Tlp | null;
    events: Array<{ event: EventRow; finding: Finding | null }>;
    changes: VerdictChange[];
    thread: number[];
    drafted: string | null;
  },
): void {
  const { store, config } = ctx;
  for (const id of new Set(m.thread)) {
    // Only what the list may see counts towards a follow-up: a TLP:RED reply never triggers one.
    if (tallyOf(visibleSightings(store.events.sightings(id))).confirm < config.sightings.followUpAfter) continue;
    // A follow-up follows what the list has seen: while our reply waits unsent, the tally waits
    // too, and the next confirmation after it went out claims it.
    const ours = oursOn(ctx, id);
    if (ours.length && !ours.some((d) => d.status === 'sent')) continue;
    store.events.claimUpdate(id, triggerKey({ kind: 'confirmations' }), m.at, {});
  }
  if (!mayGoToList(m.tlp)) return;
  for (const { event, finding } of m.events) {
    if (!finding || finding.verdict === 'no-data') continue;
    const c = m.changes.find((x) => x.event.id === event.id);
    const change = c ? { from: c.from, to: c.to } : null;
    const ours = oursOn(ctx, event.id).filter((d) => d.messageId !== m.drafted);
    if (ours.some((d) => d.status === 'sent')) {
      if (change) store.events.claimUpdate(event.id, triggerKey({ kind: 'verdict', ...change }), m.at, change);
      continue;
    }
    const reply = ours.filter((d) => d.kind === 'reply').at(-1);
    if (!reply) continue;
    // Evidence older than what the draft was written from never writes it backwards.
    const last = judgedAt(ctx, reply);
    if (last && Date.parse(m.at) <= Date.parse(last)) continue;
    if (!change) {
      // The same verdict on newer counters: worth new words for a draft still waiting, now and then.
      if (reply.status !== 'draft' && reply.status !== 'held') continue;
      if (last && Date.parse(m.at) - Date.parse(last) < config.draft.reviseAfterMinutes * MINUTE_MS) continue;
    }
    const due: RevisionDue = { draftId: reply.id, post: m.messageId, change };
    store.events.claimUpdate(event.id, `${REVISE}${m.messageId}`, m.at, due);
  }
}

/**
 * Does every claim not done yet: after a message's commit, and at the start of a run for what a
 * process that died left. A claim that fails stays for the next pass. Returns the drafts made or
 * revised.
 */
export async function runUpdates(ctx: Context, summary: RunSummary): Promise<number[]> {
  const made: number[] = [];
  const failed = new Set<string>();
  // A revision that finds the draft sent meanwhile turns into a follow-up claim: one more pass.
  for (let pass = 0; pass < 3; pass++) {
    const due = ctx.store.events.pendingUpdates().filter((u) => !failed.has(`${u.eventId} ${u.trigger}`));
    if (!due.length) break;
    for (const u of due) {
      try {
        const id = u.trigger.startsWith(REVISE) ? await reviseDraft(ctx, u, summary) : await followUp(ctx, u, summary);
        if (id !== null) made.push(id);
      } catch (err) {
        failed.add(`${u.eventId} ${u.trigger}`);
        ctx.log.error({ event: u.eventId, trigger: u.trigger, err }, 'follow-up or revision failed; left for later');
      }
    }
  }
  return made;
}

/** Marks a claim done with nothing to draft. */
function nothing(ctx: Context, u: PendingUpdate): null {
  ctx.store.transaction(() => ctx.store.events.finishUpdate(u.eventId, u.trigger, null));
  return null;
}

function triggerOf(u: PendingUpdate): FollowUpTrigger {
  if (u.trigger === 'confirmations') return { kind: 'confirmations' };
  if (u.trigger === 'ended') return { kind: 'ended', at: u.data.at as string };
  return { kind: 'verdict', from: u.data.from as Verdict, to: u.data.to as Verdict };
}

/** Drafts a follow-up in the event's thread, after the messages of ours the list has seen. */
async function followUp(ctx: Context, u: PendingUpdate, summary: RunSummary): Promise<number | null> {
  const { store, config } = ctx;
  const event = store.events.get(u.eventId);
  if (!event) return nothing(ctx, u);
  const posts = store.events.posts(event.id);
  const latest = [...posts]
    .reverse()
    .find((x) => x.finding && mayGoToList(store.messages.report(x.messageId)?.tlp ?? null))?.finding as
    Finding | undefined;
  const input = {
    event,
    trigger: triggerOf(u),
    sightings: store.events.sightings(event.id),
    latest: latest ?? null,
    thread: oursOn(ctx, event.id)
      .filter((d) => d.status === 'sent')
      .map((d) => d.messageId),
    reportTlp: store.messages.report(event.firstMessage)?.tlp ?? null,
    // An event our own advisory opened has no post: its list is the one the advisory went to.
    listId:
      store.messages.listId(event.firstMessage) ??
      config.lists.find((l) => l.address === store.drafts.byMessageId(event.firstMessage)?.to)?.listId.toLowerCase() ??
      null,
    config,
  };
  const draft = kinds.followup.render(input);
  if (!draft.to) {
    ctx.log.warn({ event: event.id }, 'follow-up due, but the event came through no configured list; not drafted');
    return nothing(ctx, u);
  }
  const prepared = await prepareDraft(ctx, draft, kinds.followup.fileName!(input, draft));
  const id = store.transaction(() => {
    store.lock('kansoku-pipeline');
    if (!store.events.isPending(u.eventId, u.trigger)) return null;
    const id = insertDraft(ctx, prepared);
    store.events.link(event.id, prepared.draft.messageId, 'draft', u.at);
    store.events.finishUpdate(u.eventId, u.trigger, id);
    return id;
  });
  // Another instance drafted it first: the file written for it is that one's, or goes.
  if (id === null && prepared.path && !store.drafts.byMessageId(prepared.draft.messageId))
    rmSync(prepared.path, { force: true });
  if (id !== null) {
    ctx.log.info({ event: event.id, trigger: u.trigger, draft: id }, 'follow-up drafted');
    summary.drafts.push({ id, subject: prepared.draft.subject, path: prepared.path });
  }
  return id;
}

/**
 * Writes our unsent reply again from the counters at the time of the newer evidence, as a new
 * revision of the same draft (same Message-ID: nobody has seen it). When the draft went out
 * meanwhile, a verdict change becomes a follow-up instead.
 */
async function reviseDraft(ctx: Context, u: PendingUpdate, summary: RunSummary): Promise<number | null> {
  const { store, config } = ctx;
  const due = u.data as unknown as RevisionDue;
  const d = store.drafts.get(due.draftId);
  // A draft whose send was tried may be out already (rejected since or not): its words stay as they went.
  if (d.status === 'sent' || store.outbox.attempted(d.id)) {
    store.transaction(() => {
      if (due.change)
        store.events.claimUpdate(u.eventId, triggerKey({ kind: 'verdict', ...due.change }), u.at, due.change);
      store.events.finishUpdate(u.eventId, u.trigger, null);
    });
    return null;
  }
  // Judged again now, not only when claimed: a person may have decided since, or a newer revision
  // landed. Newer counters alone never override a decision; older evidence never writes backwards.
  const last = judgedAt(ctx, d);
  if (last && Date.parse(u.at) <= Date.parse(last)) return nothing(ctx, u);
  if (!due.change && d.status !== 'draft' && d.status !== 'held') return nothing(ctx, u);
  const post = store.messages.header(d.sourceMessageId);
  const report = store.messages.report(d.sourceMessageId);
  if (!post || !report) {
    ctx.log.warn({ draft: d.id }, 'draft due for a revision, but its post was stored without its header; left as is');
    return nothing(ctx, u);
  }
  const input = { post, report, findings: correlate(report, store.counters, new Date(u.at), config.correlate), config };
  const rendered = kinds.reply.render(input);
  const prepared = await prepareDraft(ctx, rendered, kinds.reply.fileName!(input, rendered), {
    hold: d.heldReason,
    write: false,
  });
  if (prepared.draft.text === d.text && prepared.draft.subject === d.subject) return nothing(ctx, u);
  // A person who rejected any revision decides on the next one too: send.autoSend never overrides them.
  const mayApprove = !store.drafts.history(d.id).some((h) => h.action === 'reject');
  const why = due.change ? `verdict ${due.change.from} -> ${due.change.to}` : 'newer counters';
  const note = revisionNote(d, prepared.draft.text, `after ${due.post} (${why})`);
  const revised = storeRevision(ctx, d, prepared, note, {
    mayApprove,
    // The claim was done by another instance meanwhile.
    guard: () => store.events.isPending(u.eventId, u.trigger),
    then: (r) => store.events.finishUpdate(u.eventId, u.trigger, r.id),
  });
  // The draft moved since it was read (a person decided, another instance revised): the claim
  // stays, and the next pass judges it again.
  if (!revised) return null;
  ctx.log.info({ draft: d.id, revision: revised.revision, event: u.eventId, why }, 'draft revised');
  summary.revised.push({ id: d.id, revision: revised.revision, subject: revised.subject, path: prepared.path });
  return d.id;
}
