import type { Context } from '../context.ts';
import { correlate, reportTime } from '../correlate/correlate.ts';
import { renderAlert } from '../draft/alert.ts';
import { listById, mayGoToList, renderReply } from '../draft/render.ts';
import { KansokuError } from '../errors.ts';
import { extractReport } from '../extract/report.ts';
import { automaticReason } from '../mail/automatic.ts';
import { parsePost, syntheticMessageId } from '../mail/parse.ts';
import type { MessageSource, RawMessage } from '../mail/sources.ts';
import { renderFollowUp, visibleSightings, type FollowUpTrigger } from '../draft/followup.ts';
import { attachToEvents, eventsOfThread, type VerdictChange } from '../events/link.ts';
import { tallyOf } from '../events/tally.ts';
import { ownNetworkSources } from '../correlate/own.ts';
import { ownText } from '../mail/reply-text.ts';
import type { EventRow, Finding, Post, Report, SightingRow } from '../model.ts';
import { decisionNote, decisionNoteId, moderatorDecision, type ModeratorDecision } from '../review/mail.ts';
import { decide } from '../review/transitions.ts';
import { emlName, gateOf, insertDraft, ownAddress, prepareDraft } from './drafts.ts';
import { classifyReply } from '../sightings/classify.ts';
import { creditReply } from '../sightings/credit.ts';
import type { MessageRecord } from '../store/index.ts';

export type Outcome =
  | 'drafted'
  | 'held'
  | 'no-claims'
  | 'answered'
  | 'no-data'
  | 'automatic'
  | 'not-list'
  | 'review'
  | 'sighting'
  | 'duplicate'
  | 'quarantined';

export interface RunSummary {
  seen: number;
  outcomes: Record<Outcome, number>;
  drafts: Array<{ id: number; subject: string; path: string | null; held?: string }>;
  /** Private alerts stored: posts that named our own networks. */
  alerts: Array<{ id: number; to: string }>;
  sightings: number;
}

export function emptySummary(): RunSummary {
  return {
    seen: 0,
    outcomes: {
      drafted: 0,
      held: 0,
      'no-claims': 0,
      answered: 0,
      'no-data': 0,
      automatic: 0,
      'not-list': 0,
      review: 0,
      sighting: 0,
      duplicate: 0,
      quarantined: 0,
    },
    drafts: [],
    alerts: [],
    sightings: 0,
  };
}

/**
 * Our reply already covers every port this post names: the thread it answers has it, or the open
 * event for the port does. The list gets one answer per incident, not one per post; what changes
 * later goes out as a follow-up.
 */
function alreadyAnswered(post: Post, report: Report, parents: EventRow[], p: Context): boolean {
  const ancestors = [...new Set([...(post.inReplyTo ? [post.inReplyTo] : []), ...post.references])];
  const covered = new Set<number>();
  for (const id of ancestors) {
    if (!p.store.drafts.hasFor(id, 'reply')) continue;
    for (const x of p.store.messages.report(id)?.ports ?? []) covered.add(x.port);
  }
  const at = post.date ?? new Date().toISOString();
  for (const claim of report.ports) {
    if (covered.has(claim.port)) continue;
    const events = [
      ...parents.filter((e) => e.port === claim.port),
      ...(['tcp', 'udp'] as const)
        .filter((proto) => claim.proto === null || claim.proto === proto)
        .map((proto) => p.store.events.findOpen(proto, claim.port, at, p.config.events.windowHours))
        .filter((e): e is EventRow => e !== null),
    ];
    if (events.some((e) => p.store.events.posts(e.id).some((x) => x.role === 'draft'))) covered.add(claim.port);
  }
  return report.ports.every((x) => covered.has(x.port));
}

/**
 * Takes one message through the pipeline: parse, extract, correlate, draft, store. Whatever
 * happens, the message ends up recorded (processed, skipped or quarantined), together with the
 * source's checkpoint in the same transaction, and the run goes on.
 */
export async function processMessage(m: RawMessage, p: Context, summary: RunSummary): Promise<Outcome> {
  summary.seen++;
  try {
    return await processOnce(m, p, summary);
  } catch (err) {
    if (!(err instanceof StoredMeanwhile)) throw err;
    p.log.info({ origin: m.origin, messageId: err.messageId }, 'another instance stored this message first');
    p.store.transaction(() => m.checkpoint && p.store.checkpoints.advance(m.checkpoint));
    summary.outcomes.duplicate++;
    return 'duplicate';
  }
}

/** Another instance on the same store finished this message while we were working on it. */
class StoredMeanwhile extends Error {
  constructor(readonly messageId: string) {
    super(messageId);
  }
}

async function processOnce(m: RawMessage, p: Context, summary: RunSummary): Promise<Outcome> {
  const { store, config, log } = p;
  /** Set once the message is known to be new: from then on a commit checks it is still new. */
  let claimed: string | null = null;
  /** Stores what the message produced and moves the checkpoint past it, all or nothing. */
  const commit = <T>(fn: () => T): T =>
    store.transaction(() => {
      // Instances sharing a store take turns here, and look again under the lock: between our
      // first look and now, another instance may have stored the same message or opened the event.
      store.lock('kansoku-pipeline');
      if (claimed !== null && store.messages.has(claimed)) throw new StoredMeanwhile(claimed);
      const r = fn();
      if (m.checkpoint) store.checkpoints.advance(m.checkpoint);
      return r;
    });
  const done = (o: Outcome) => {
    summary.outcomes[o]++;
    return o;
  };
  const quarantine = (id: string, reason: string) => {
    log.warn({ origin: m.origin, messageId: id, reason }, 'message quarantined');
    commit(() => store.messages.quarantine(id, m.origin, reason));
    return done('quarantined');
  };

  const size = m.size ?? m.raw.length;
  if (size > config.limits.maxMessageBytes) {
    return quarantine(syntheticMessageId(m.raw), `larger than limits.maxMessageBytes (${size} bytes)`);
  }
  let post: Post;
  try {
    post = await parsePost(m.raw);
  } catch (err) {
    return quarantine(syntheticMessageId(m.raw), err instanceof KansokuError ? err.message : String(err));
  }
  for (const w of post.warnings) log.warn({ messageId: post.messageId, origin: m.origin }, w);
  if (store.messages.has(post.messageId)) {
    commit(() => undefined);
    return done('duplicate');
  }
  claimed = post.messageId;

  const record = (
    status: 'processed' | 'skipped',
    reason: string,
    report: Report | null = null,
    findings: Finding[] | null = null,
  ): MessageRecord => ({
    messageId: post.messageId,
    origin: m.origin,
    subject: post.subject,
    fromAddr: post.from?.address ?? null,
    listId: post.listId,
    sentAt: post.date,
    status,
    reason,
    report,
    findings,
  });
  const skip = (outcome: Outcome, reason: string) => {
    commit(() => store.messages.add(record('skipped', reason)));
    return done(outcome);
  };

  const auto = automaticReason(post, ownAddress(config));
  if (auto) {
    log.info({ messageId: post.messageId, reason: auto }, 'not answering automatic mail');
    return skip('automatic', auto);
  }

  const decision = moderatorDecision(post, config);
  if (decision) return await applyDecision(decision, post, p, commit, record, done);

  const list = listById(post.listId, config);
  if (!list) {
    log.info({ messageId: post.messageId, listId: post.listId }, 'not from a configured list; no draft');
    return skip('not-list', `List-Id ${post.listId ?? '(none)'} is not a configured list`);
  }

  const extractOptions = {
    zone: config.counters.timezone,
    maxScanChars: config.limits.maxScanChars,
    maxLineChars: config.limits.maxLineChars,
  };
  let report: Report;
  try {
    report = extractReport(post, extractOptions);
  } catch (err) {
    return quarantine(post.messageId, `extract failed: ${(err as Error).message}`);
  }

  // A reply to a report (or to our draft) is a member's word on it: a sighting.
  const parents = eventsOfThread(post, store, config.events.windowHours);
  const sightingRows: SightingRow[] = [];
  if (parents.length) {
    const own = ownText(post.text);
    const said = extractReport({ ...post, subject: '', text: own }, extractOptions);
    const credit = creditReply(post, config);
    const verdict = classifyReply(own);
    for (const e of parents) {
      sightingRows.push({
        eventId: e.id,
        messageId: post.messageId,
        verdict,
        sender: post.from?.address ?? null,
        org: credit.org,
        counted: credit.counted,
        why: credit.why,
        counts: Object.keys(said.counts).length ? said.counts : null,
        logLines: said.logLines.length,
        at: post.date ?? new Date().toISOString(),
        tlp: report.tlp,
      });
    }
    log.info(
      {
        messageId: post.messageId,
        verdict,
        org: credit.org,
        counted: credit.counted,
        events: parents.map((e) => e.id),
      },
      'sighting',
    );
  }
  const role = parents.length ? 'reply' : 'report';

  // Our own networks named in a post (our customer scanning others, say) are for us first: a
  // private alert with the whole detail, whatever else the post gets, and any public draft held
  // until a person releases it.
  const gate = gateOf(p);
  const own = ownNetworkSources(post, gate.networks);
  const hold = own.length ? `the post names our own networks: ${own.join(', ')}` : null;
  const alert = own.length
    ? await prepareDraft(
        p,
        renderAlert({ post, report, addresses: own, networks: gate.networks, config }),
        `alert-${emlName(report.date, report.ports, post.messageId)}`,
        { gate },
      )
    : null;
  if (hold)
    log.warn({ messageId: post.messageId, addresses: own }, 'post names our own networks: private alert stored');
  /** What every processed list post stores besides its record: its sightings, and its alert. */
  const recordAlongside = () => {
    for (const row of sightingRows) if (store.events.addSighting(row)) summary.sightings++;
    if (alert) summary.alerts.push({ id: insertDraft(p, alert), to: alert.draft.to });
  };
  const finish = async (outcome: Outcome, changes: VerdictChange[]) => {
    // A TLP:RED post changes nothing the list hears: our verdict moving on its account would say it exists.
    await followUps(p, [...new Set([...parents.map((e) => e.id)])], mayGoToList(report.tlp) ? changes : [], summary);
    return done(outcome === 'no-claims' && sightingRows.length ? 'sighting' : outcome);
  };

  if (report.ports.length === 0) {
    commit(() => {
      store.messages.add(record('processed', sightingRows.length ? 'sighting' : 'no port claims', report));
      recordAlongside();
    });
    return finish('no-claims', []);
  }
  const findings = correlate(report, store.counters, reportTime(report), config.correlate);
  if (alreadyAnswered(post, report, parents, p)) {
    const changes = commit(() => {
      store.messages.add(record('processed', 'already answered: our reply covers these ports', report, findings));
      recordAlongside();
      return attachToEvents(post, report, findings, role, store, config.events.windowHours).changes;
    });
    return finish(sightingRows.length ? 'sighting' : 'answered', changes);
  }
  if (findings.every((f) => f.verdict === 'no-data')) {
    log.info(
      { messageId: post.messageId, ports: report.ports.map((x) => x.port) },
      'no sensor data for any reported port; no draft',
    );
    const changes = commit(() => {
      store.messages.add(record('processed', 'no sensor data for any reported port', report, findings));
      recordAlongside();
      return attachToEvents(post, report, findings, role, store, config.events.windowHours).changes;
    });
    return finish('no-data', changes);
  }

  const draft = renderReply({ post, report, findings, config });
  const prepared = await prepareDraft(p, draft, emlName(report.date, report.ports, draft.messageId), { hold, gate });
  const [id, changes] = commit(() => {
    store.messages.add(record('processed', hold ? `drafted reply, held: ${hold}` : 'drafted reply', report, findings));
    recordAlongside();
    const linked = attachToEvents(post, report, findings, role, store, config.events.windowHours);
    const id = insertDraft(p, prepared);
    for (const e of linked.events)
      store.events.link(e.id, draft.messageId, 'draft', post.date ?? new Date().toISOString());
    return [id, linked.changes] as const;
  });
  log.info(
    {
      messageId: post.messageId,
      draft: id,
      verdicts: findings.map((f) => `${f.proto}/${f.port}:${f.verdict}`),
      path: prepared.path,
    },
    'draft written',
  );
  const held = prepared.heldReason ?? (prepared.refused ? `outbound gate: ${prepared.refused}` : undefined);
  summary.drafts.push({ id, subject: prepared.draft.subject, path: prepared.path, held });
  return finish(held ? 'held' : 'drafted', changes);
}

/**
 * Drafts the follow-ups that are due: for an event whose member confirmations reached the
 * configured number, and for one whose verdict on our own counters changed. Each is made once.
 */
export async function followUps(
  p: Context,
  eventIds: number[],
  changes: VerdictChange[],
  summary: RunSummary,
): Promise<void> {
  const { store, config } = p;
  const due: Array<{ event: EventRow; trigger: FollowUpTrigger; key: string }> = [];
  for (const id of eventIds) {
    const event = store.events.get(id);
    // Only what the list may see counts towards a follow-up: a TLP:RED reply never triggers one.
    if (event && tallyOf(visibleSightings(store.events.sightings(id))).confirm >= config.sightings.followUpAfter) {
      due.push({ event, trigger: { kind: 'confirmations' }, key: 'confirmations' });
    }
  }
  for (const c of changes)
    due.push({ event: c.event, trigger: { kind: 'verdict', from: c.from, to: c.to }, key: `verdict:${c.to}` });
  for (const { event, trigger, key } of due) {
    if (store.events.hasFollowup(event.id, key)) continue;
    const posts = store.events.posts(event.id);
    const latest = [...posts]
      .reverse()
      .find((x) => x.finding && mayGoToList(store.messages.report(x.messageId)?.tlp ?? null))?.finding as
      Finding | undefined;
    const draft = renderFollowUp({
      event,
      trigger,
      sightings: store.events.sightings(event.id),
      latest: latest ?? null,
      thread: posts.filter((x) => x.role === 'draft').map((x) => x.messageId),
      reportTlp: store.messages.report(event.firstMessage)?.tlp ?? null,
      listId: store.messages.listId(event.firstMessage),
      config,
    });
    if (!draft.to) {
      p.log.warn({ event: event.id }, 'follow-up due, but the event came through no configured list; not drafted');
      continue;
    }
    const prepared = await prepareDraft(p, draft, `followup-event${event.id}-${key.replace(/[^a-z0-9-]/gi, '-')}.eml`);
    const id = store.transaction(() => {
      if (!store.events.claimFollowup(event.id, key)) return null;
      const id = insertDraft(p, prepared);
      store.events.attachFollowup(event.id, key, id);
      return id;
    });
    if (id !== null) {
      p.log.info({ event: event.id, trigger: key, draft: id }, 'follow-up drafted');
      summary.drafts.push({ id, subject: prepared.draft.subject, path: prepared.path });
    }
  }
}

/**
 * Acts on a moderator's mail: approves or rejects the draft its token names (an approval waits
 * review.sendDelaySeconds before it goes, so that a second mail can reverse it). Mail that decides
 * nothing is logged, and a moderator is told why in a short bilingual note.
 */
async function applyDecision(
  decision: ModeratorDecision,
  post: Post,
  p: Context,
  commit: <T>(fn: () => T) => T,
  record: (status: 'processed' | 'skipped', reason: string) => MessageRecord,
  done: (o: Outcome) => Outcome,
): Promise<Outcome> {
  const draft = p.store.drafts.byReviewToken(decision.token);
  const ignore = async (reason: string, answer: string | null) => {
    p.log.warn({ messageId: post.messageId, from: post.from?.address, reason }, 'review reply ignored');
    const note = answer
      ? await gateOf(p).build(decisionNote(post, answer, reason, draft?.tlp ?? 'AMBER', p.config))
      : null;
    if (note?.problems.length)
      p.log.error(
        { messageId: post.messageId, problems: note.problems },
        'outbound gate refused a note to a moderator',
      );
    commit(() => {
      p.store.messages.add(record('skipped', `review reply ignored: ${reason}`));
      if (note && !note.problems.length) {
        const id = decisionNoteId(post, p.config);
        p.store.outbox.enqueue({
          draftId: draft?.id ?? null,
          kind: 'review',
          messageId: id,
          envelopeFrom: ownAddress(p.config),
          envelopeTo: answer!,
          raw: note.raw,
        });
      }
    });
    return done('review');
  };
  if (decision.kind === 'ignored') return ignore(decision.reason, decision.answer);
  if (!draft) return ignore('the token is unknown, or its draft was already sent', decision.moderator);
  const sendAfter =
    decision.action === 'approve' ? new Date(Date.now() + p.config.review.sendDelaySeconds * 1000).toISOString() : null;
  try {
    commit(() => {
      decide(
        p.store,
        draft.id,
        decision.action,
        `mail:${decision.moderator}`,
        `by reply ${post.messageId}: "${decision.sentence}"`,
        sendAfter,
      );
      p.store.messages.add(record('processed', `review: ${decision.action} draft #${draft.id}`));
    });
  } catch (err) {
    if (err instanceof KansokuError) return ignore(err.message, decision.moderator);
    throw err;
  }
  p.log.info(
    { draft: draft.id, action: decision.action, moderator: decision.moderator, sendAfter },
    'draft decided by mail',
  );
  return done('review');
}

/** Runs every message of the given sources through the pipeline once. */
export async function processSources(
  sources: MessageSource[],
  p: Context,
  summary = emptySummary(),
): Promise<RunSummary> {
  for (const s of sources) {
    try {
      for await (const m of s.messages()) {
        try {
          await processMessage(m, p, summary);
        } catch (err) {
          // A bug or a store error on one message must not stop the others; the message stays
          // unrecorded, so the next run tries it again.
          p.log.error({ origin: m.origin, err }, 'message failed; left for the next run');
        }
      }
    } catch (err) {
      p.log.error({ source: s.name, err }, 'mail source failed; going on with the next one');
    }
  }
  return summary;
}
