import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import addressparser from 'nodemailer/lib/addressparser';
import type { Config } from '../config/schema.ts';
import { correlate, reportTime } from '../correlate/correlate.ts';
import { renderReply, toEml } from '../draft/render.ts';
import { KansokuError } from '../errors.ts';
import { extractReport } from '../extract/report.ts';
import type { Logger } from '../log.ts';
import { automaticReason } from '../mail/automatic.ts';
import { parsePost, syntheticMessageId } from '../mail/parse.ts';
import type { MessageSource, RawMessage } from '../mail/sources.ts';
import type { Finding, Post, Report } from '../model.ts';
import { moderatorDecision, newReviewToken, reviewRequest } from '../review/mail.ts';
import type { MessageRecord, Store } from '../store/index.ts';

export type Outcome =
  | 'drafted'
  | 'no-claims'
  | 'answered'
  | 'no-data'
  | 'automatic'
  | 'not-list'
  | 'review'
  | 'duplicate'
  | 'quarantined';

export interface RunSummary {
  seen: number;
  outcomes: Record<Outcome, number>;
  drafts: Array<{ id: number; subject: string; path: string | null }>;
}

export function emptySummary(): RunSummary {
  return {
    seen: 0,
    outcomes: {
      drafted: 0,
      'no-claims': 0,
      answered: 0,
      'no-data': 0,
      automatic: 0,
      'not-list': 0,
      review: 0,
      duplicate: 0,
      quarantined: 0,
    },
    drafts: [],
  };
}

export interface Pipeline {
  config: Config;
  store: Store;
  log: Logger;
  /** Who the audit trail names for drafts the bot creates. */
  actor: string;
}

export function ownAddress(config: Config): string {
  const a = addressparser(config.identity.from, { flatten: true })[0];
  return (a && 'address' in a ? a.address : config.identity.from).toLowerCase();
}

/** The thread already has our reply for every port this post names: one answer per thread. */
function threadAnswered(post: Post, report: Report, p: Pipeline): boolean {
  const ancestors = [...new Set([...(post.inReplyTo ? [post.inReplyTo] : []), ...post.references])];
  const ports = new Set(report.ports.map((x) => x.port));
  const covered = new Set<number>();
  for (const id of ancestors) {
    if (!p.store.drafts.hasFor(id, 'reply')) continue;
    for (const x of p.store.messages.report(id)?.ports ?? []) covered.add(x.port);
  }
  return [...ports].every((x) => covered.has(x));
}

function writeAtomically(dir: string, name: string, data: Buffer): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, name);
  const tmp = join(dir, `.${name}.tmp`);
  writeFileSync(tmp, data);
  renameSync(tmp, path);
  return path;
}

function emlName(report: Report, messageId: string): string {
  const day = (report.date ?? new Date().toISOString()).slice(0, 10).replace(/-/g, '');
  const ports = report.ports.slice(0, 3).map((x) => `${x.proto ?? 'port'}${x.port}`).join('-') || 'report';
  const key = /\.([0-9a-f]{8})/.exec(messageId)?.[1] ?? 'draft';
  return `${day}-${ports}-${key}.eml`;
}

/**
 * Takes one message through the pipeline: parse, extract, correlate, draft, store. Whatever
 * happens, the message ends up recorded (processed, skipped or quarantined), together with the
 * source's checkpoint in the same transaction, and the run goes on.
 */
export async function processMessage(m: RawMessage, p: Pipeline, summary: RunSummary): Promise<Outcome> {
  summary.seen++;
  const { store, config, log } = p;
  /** Stores what the message produced and moves the checkpoint past it, all or nothing. */
  const commit = <T>(fn: () => T): T =>
    store.transaction(() => {
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
    commit(() => {
      if (!store.messages.has(id)) {
        store.messages.add({ messageId: id, origin: m.origin, subject: null, fromAddr: null, listId: null, sentAt: null, status: 'quarantined', reason, report: null, findings: null });
      }
    });
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
  if (store.messages.has(post.messageId)) {
    commit(() => undefined);
    return done('duplicate');
  }

  const record = (status: 'processed' | 'skipped', reason: string, report: Report | null = null, findings: Finding[] | null = null): MessageRecord => ({
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
  if (decision) return applyDecision(decision, post, p, commit, record, done);

  const list = config.lists.find((l) => post.listId !== null && l.listId.toLowerCase() === post.listId);
  if (!list) {
    log.info({ messageId: post.messageId, listId: post.listId }, 'not from a configured list; no draft');
    return skip('not-list', `List-Id ${post.listId ?? '(none)'} is not a configured list`);
  }

  let report: Report;
  try {
    report = extractReport(post, {
      zone: config.counters.timezone,
      maxScanChars: config.limits.maxScanChars,
      maxLineChars: config.limits.maxLineChars,
    });
  } catch (err) {
    return quarantine(post.messageId, `extract failed: ${(err as Error).message}`);
  }
  if (report.ports.length === 0) {
    commit(() => store.messages.add(record('processed', 'no port claims', report)));
    return done('no-claims');
  }
  if (threadAnswered(post, report, p)) {
    commit(() => store.messages.add(record('processed', 'thread already has our reply for these ports', report)));
    return done('answered');
  }
  const findings = correlate(report, store.counters, reportTime(report), config.correlate);
  if (findings.every((f) => f.verdict === 'no-data')) {
    log.info({ messageId: post.messageId, ports: report.ports.map((x) => x.port) }, 'no sensor data for any reported port; no draft');
    commit(() => store.messages.add(record('processed', 'no sensor data for any reported port', report, findings)));
    return done('no-data');
  }

  const draft = renderReply({ post, report, findings, config });
  const eml = await toEml(draft, { charset: config.send.charset });
  const path = writeAtomically(config.draft.outbox, emlName(report, draft.messageId), eml);
  const reviewToken = config.review.address ? newReviewToken() : null;
  const request = reviewToken
    ? await reviewRequest({ messageId: draft.messageId, subject: draft.subject, text: draft.text, tlp: draft.tlp, to: draft.to }, reviewToken, config)
    : null;
  const autoSend = config.send.autoSend.includes(draft.kind);
  const id = commit(() => {
    store.messages.add(record('processed', 'drafted reply', report, findings));
    const id = store.drafts.add({ ...draft, envelopeFrom: ownAddress(config), eml, emlPath: path, reviewToken: autoSend ? null : reviewToken }, p.actor);
    if (autoSend && draft.tlp !== 'RED') store.drafts.decide(id, 'approve', 'auto-send', `send.autoSend allows ${draft.kind}`);
    else if (request) {
      store.outbox.enqueue({
        draftId: id,
        kind: 'review',
        messageId: request.messageId,
        envelopeFrom: ownAddress(config),
        envelopeTo: config.review.address!,
        raw: request.raw,
      });
    }
    return id;
  });
  log.info({ messageId: post.messageId, draft: id, verdicts: findings.map((f) => `${f.proto}/${f.port}:${f.verdict}`), path }, 'draft written');
  summary.drafts.push({ id, subject: draft.subject, path });
  return done('drafted');
}

function applyDecision(
  decision: NonNullable<ReturnType<typeof moderatorDecision>>,
  post: Post,
  p: Pipeline,
  commit: <T>(fn: () => T) => T,
  record: (status: 'processed' | 'skipped', reason: string) => MessageRecord,
  done: (o: Outcome) => Outcome,
): Outcome {
  const draft = p.store.drafts.byReviewToken(decision.token);
  const ignore = (reason: string) => {
    p.log.warn({ messageId: post.messageId, from: post.from?.address, reason }, 'review reply ignored');
    commit(() => p.store.messages.add(record('skipped', `review reply ignored: ${reason}`)));
    return done('review');
  };
  if (decision.kind === 'ignored') return ignore(decision.reason);
  if (!draft) return ignore('token unknown or already used');
  try {
    commit(() => {
      p.store.drafts.decide(draft.id, decision.action, `mail:${decision.moderator}`, `by reply ${post.messageId}`);
      p.store.messages.add(record('processed', `review: ${decision.action} draft #${draft.id}`));
    });
  } catch (err) {
    if (err instanceof KansokuError) return ignore(err.message);
    throw err;
  }
  p.log.info({ draft: draft.id, action: decision.action, moderator: decision.moderator }, 'draft decided by mail');
  return done('review');
}

/** Runs every message of the given sources through the pipeline once. */
export async function processSources(sources: MessageSource[], p: Pipeline, summary = emptySummary()): Promise<RunSummary> {
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
