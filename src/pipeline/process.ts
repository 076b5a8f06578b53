/**
 * The runner: takes each message through the steps, owns its transaction, the lock shared by
 * instances on one store, the source's checkpoint, and the one failure policy for `run` and
 * `run --watch` alike.
 */
import type { Context } from '../context.ts';
import { KansokuError } from '../errors.ts';
import { attachToEvents } from '../events/link.ts';
import { syntheticMessageId } from '../mail/parse.ts';
import type { MessageSource, RawMessage } from '../mail/sources.ts';
import type { Outcome } from '../model.ts';
import { insertDraft } from './drafts.ts';
import { claimUpdates, runUpdates } from './updates.ts';
import { DecisionLog, emptySummary, recordOf, type MessageState, type RunSummary, type Step } from './message.ts';
import { admit } from './steps/admit.ts';
import { correlate } from './steps/correlate.ts';
import { decide } from './steps/decide.ts';
import { draft } from './steps/draft.ts';
import { extract } from './steps/extract.ts';
import { followUpsStep } from './steps/follow-ups.ts';
import { fromList } from './steps/list.ts';
import { moderation } from './steps/moderation.ts';
import { ownNetworks } from './steps/own-networks.ts';
import { sightings } from './steps/sightings.ts';

export { emptySummary, type RunSummary } from './message.ts';
export type { Outcome } from '../model.ts';

/** The steps before the commit, in order; the first to name an outcome ends the message's way. */
export const STEPS: ReadonlyArray<{ name: string; run: Step }> = [
  { name: 'admit', run: admit },
  { name: 'moderation', run: moderation },
  { name: 'list', run: fromList },
  { name: 'extract', run: extract },
  { name: 'sightings', run: sightings },
  { name: 'own-networks', run: ownNetworks },
  { name: 'correlate', run: correlate },
  { name: 'decide', run: decide },
  { name: 'draft', run: draft },
];

/** Steps after the commit, for list posts that were read: what the stored message made due. */
export const AFTER_COMMIT: ReadonlyArray<{ name: string; run: Step }> = [{ name: 'follow-ups', run: followUpsStep }];

/** Another instance on the same store finished this message while we were working on it. */
class StoredMeanwhile extends Error {
  constructor(readonly messageId: string) {
    super(messageId);
  }
}

/** A message that failed before its commit, with the Message-ID it had once it was parsed. */
export class MessageFailed extends Error {
  constructor(
    readonly messageId: string | null,
    cause: unknown,
  ) {
    super(cause instanceof Error ? cause.message : String(cause), { cause });
  }
}

/**
 * What failures are counted under: where the message came from, and for stdin, whose messages
 * share one origin, the message itself.
 */
function failureKey(m: RawMessage): string {
  return m.checkpoint || m.origin !== 'stdin' ? m.origin : `stdin:${syntheticMessageId(m.raw)}`;
}

function newState(m: RawMessage, summary: RunSummary): MessageState {
  return {
    message: m,
    decision: new DecisionLog(),
    summary,
    post: null,
    report: null,
    findings: null,
    parents: [],
    sightings: [],
    hold: null,
    alert: null,
    reply: null,
    gate: null,
    status: 'processed',
    reason: '',
    claimed: null,
    committed: false,
  };
}

/**
 * Takes one message through the pipeline. Whatever happens, the message ends up recorded
 * (processed, skipped or quarantined) with its Decision, together with the source's checkpoint in
 * the same transaction, and the run goes on. Errors of our own propagate; `handleMessage` applies
 * the failure policy to them.
 */
export async function processMessage(m: RawMessage, ctx: Context, summary: RunSummary): Promise<Outcome> {
  summary.seen++;
  const s = newState(m, summary);
  const { store } = ctx;
  const commit = <T>(fn: () => T): T =>
    store.transaction(() => {
      // Instances sharing a store take turns here, and look again under the lock: between our
      // first look and now, another instance may have stored the same message or opened the event.
      store.lock('kansoku-pipeline');
      if (s.claimed !== null && store.messages.has(s.claimed)) throw new StoredMeanwhile(s.claimed);
      const r = fn();
      if (m.checkpoint) store.checkpoints.advance(m.checkpoint);
      store.messages.recovered(failureKey(m));
      s.committed = true;
      return r;
    });
  let outcome: Outcome | undefined;
  try {
    for (const step of STEPS) {
      outcome = await step.run(s, ctx, { commit });
      if (outcome) break;
    }
    if (!outcome) throw new Error('no step decided the message: the last step must');
    if (!s.committed) persist(s, ctx, outcome, commit);
  } catch (err) {
    if (!(err instanceof StoredMeanwhile)) throw new MessageFailed(s.post?.messageId ?? null, err);
    ctx.log.info({ origin: m.origin, messageId: err.messageId }, 'another instance stored this message first');
    store.transaction(() => {
      if (m.checkpoint) store.checkpoints.advance(m.checkpoint);
      store.messages.recovered(failureKey(m));
    });
    summary.outcomes.duplicate++;
    return 'duplicate';
  }
  summary.outcomes[outcome]++;
  if (s.report && s.status === 'processed' && outcome !== 'review') await afterCommit(s, ctx, outcome, commit);
  return outcome;
}

/**
 * The steps after the commit. The message is stored by then: a failure here is logged, and the
 * follow-ups it would have made wait for the next message on the event.
 */
async function afterCommit(s: MessageState, ctx: Context, outcome: Outcome, commit: <T>(fn: () => T) => T) {
  const before = s.decision.steps.length;
  try {
    for (const step of AFTER_COMMIT) await step.run(s, ctx, { commit });
    if (s.decision.steps.length > before) {
      ctx.store.messages.setDecision(s.post!.messageId, s.decision.finish(outcome, s.reason));
    }
  } catch (err) {
    ctx.log.error({ origin: s.message.origin, messageId: s.post!.messageId, err }, 'follow-ups failed; message stored');
  }
}

/** Stores what the steps produced, all at once. */
function persist(s: MessageState, ctx: Context, outcome: Outcome, commit: <T>(fn: () => T) => T): void {
  const { store, config, log } = ctx;
  const m = s.message;
  if (outcome === 'duplicate') {
    commit(() => undefined);
    return;
  }
  if (outcome === 'quarantined') {
    const id = s.post?.messageId ?? syntheticMessageId(m.raw);
    log.warn({ origin: m.origin, messageId: id, reason: s.reason }, 'message quarantined');
    s.status = 'quarantined';
    commit(() => store.messages.quarantine(id, m.origin, s.reason, s.decision.finish(outcome, s.reason)));
    return;
  }
  const post = s.post!;
  if (s.status === 'skipped') {
    commit(() => store.messages.add(recordOf(s, outcome)));
    return;
  }
  const at = post.date ?? ctx.clock.now().toISOString();
  const role = s.parents.length ? 'reply' : 'report';
  const ids = commit(() => {
    store.messages.add(recordOf(s, outcome));
    for (const row of s.sightings) if (store.events.addSighting(row)) s.summary.sightings++;
    const alert = s.alert ? { id: insertDraft(ctx, s.alert), to: s.alert.draft.to } : null;
    if (alert) {
      s.summary.alerts.push(alert);
      s.decision.drafts.push(alert.id);
    }
    const linked = s.findings
      ? attachToEvents(post, s.report!, s.findings, role, store, config.events.windowHours)
      : { events: [], changes: [] };
    let reply: number | null = null;
    if (s.reply) {
      reply = insertDraft(ctx, s.reply);
      s.decision.drafts.push(reply);
      for (const { event } of linked.events) store.events.link(event.id, s.reply.draft.messageId, 'draft', at);
    }
    claimUpdates(ctx, {
      messageId: post.messageId,
      at,
      tlp: s.report?.tlp ?? null,
      events: linked.events,
      changes: linked.changes,
      thread: s.parents.map((e) => e.id),
      drafted: s.reply?.draft.messageId ?? null,
    });
    if (s.decision.drafts.length) store.messages.setDecision(post.messageId, s.decision.finish(outcome, s.reason));
    return reply;
  });
  if (ids !== null && s.reply) {
    const r = s.reply;
    log.info(
      {
        messageId: post.messageId,
        draft: ids,
        verdicts: s.findings!.map((f) => `${f.proto}/${f.port}:${f.verdict}`),
        path: r.path,
      },
      'draft written',
    );
    const held = r.heldReason ?? (r.refused ? `outbound gate: ${r.refused}` : undefined);
    s.summary.drafts.push({ id: ids, subject: r.draft.subject, path: r.path, held });
  }
}

/** Thrown when a message failed and stays for the next run or sync (its checkpoint not moved). */
export class LeftForLater extends Error {}

/**
 * Failures of the environment (the store busy or gone, a full disk, a folder we may not write)
 * say nothing about the message: they leave it for later without counting towards its quarantine.
 */
function environmental(err: unknown): boolean {
  if (err instanceof KansokuError) return err.stage === 'store';
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^(?:E[A-Z]{2,}|SQLITE_(?:BUSY|LOCKED|IOERR|FULL|CANTOPEN|READONLY))/.test(code);
}

/**
 * The one failure policy, for `run` and `run --watch` alike: a message that fails for a reason of
 * our own (a bug) is left unrecorded and tried again by the next run or sync; the failures are
 * counted in the store, and at `limits.maxFailures` the message is quarantined under its
 * Message-ID, so that it cannot wedge its mailbox. Failures of the environment are not counted.
 */
export async function handleMessage(m: RawMessage, ctx: Context, summary: RunSummary): Promise<Outcome> {
  try {
    return await processMessage(m, ctx, summary);
  } catch (err) {
    const cause = err instanceof MessageFailed ? err.cause : err;
    const why = cause instanceof Error ? cause.message : String(cause);
    if (environmental(cause)) {
      ctx.log.error({ origin: m.origin, err: cause }, 'message failed on the environment; left for the next run');
      throw new LeftForLater(why, { cause });
    }
    const max = ctx.config.limits.maxFailures;
    let failures: number;
    try {
      failures = ctx.store.transaction(() => ctx.store.messages.failed(failureKey(m), why));
    } catch (storeErr) {
      ctx.log.error(
        { origin: m.origin, err: cause, storeErr },
        'message failed, and so did counting it; left for later',
      );
      throw new LeftForLater(why, { cause });
    }
    if (failures < max) {
      ctx.log.error({ origin: m.origin, err: cause, failures, max }, 'message failed; left for the next run');
      throw new LeftForLater(why, { cause });
    }
    ctx.log.error({ origin: m.origin, err: cause, failures }, 'message keeps failing; quarantined');
    const id = (err instanceof MessageFailed ? err.messageId : null) ?? syntheticMessageId(m.raw);
    const reason = `failed ${failures} times: ${why}`;
    const decision = new DecisionLog();
    decision.stop('runner', 'keeps-failing', reason, { failures, max });
    ctx.store.transaction(() => {
      ctx.store.messages.quarantine(id, m.origin, reason, decision.finish('quarantined', reason));
      if (m.checkpoint) ctx.store.checkpoints.advance(m.checkpoint);
      ctx.store.messages.recovered(failureKey(m));
    });
    summary.outcomes.quarantined++;
    return 'quarantined';
  }
}

/** Runs every message of the given sources through the pipeline once. */
export async function processSources(
  sources: MessageSource[],
  ctx: Context,
  summary = emptySummary(),
): Promise<RunSummary> {
  await resumeUpdates(ctx, summary);
  for (const src of sources) {
    try {
      for await (const m of src.messages()) {
        try {
          await handleMessage(m, ctx, summary);
        } catch (err) {
          // One message must not stop the others; the failure policy has logged its own.
          if (!(err instanceof LeftForLater))
            ctx.log.error({ origin: m.origin, err }, 'message failed; left for later');
        }
      }
    } catch (err) {
      ctx.log.error({ source: src.name, err }, 'mail source failed; going on with the next one');
    }
  }
  return summary;
}

/** Follow-ups and revisions claimed by messages of a process that died before doing them. */
export async function resumeUpdates(ctx: Context, summary: RunSummary): Promise<void> {
  const made = await runUpdates(ctx, summary);
  if (made.length) ctx.log.info({ drafts: made }, 'follow-ups and revisions left by an earlier run done');
}
