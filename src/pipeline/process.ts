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
import type { Post, Report } from '../model.ts';
import type { Store } from '../store/index.ts';

export type Outcome = 'drafted' | 'no-claims' | 'answered' | 'no-data' | 'automatic' | 'duplicate' | 'quarantined';

export interface RunSummary {
  seen: number;
  outcomes: Record<Outcome, number>;
  drafts: Array<{ id: number; subject: string; path: string | null }>;
}

export function emptySummary(): RunSummary {
  return {
    seen: 0,
    outcomes: { drafted: 0, 'no-claims': 0, answered: 0, 'no-data': 0, automatic: 0, duplicate: 0, quarantined: 0 },
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
 * happens, the message ends up recorded (processed, skipped or quarantined) and the run goes on.
 */
export async function processMessage(m: RawMessage, p: Pipeline, summary: RunSummary): Promise<Outcome> {
  summary.seen++;
  const done = (o: Outcome) => {
    summary.outcomes[o]++;
    return o;
  };
  const quarantine = (id: string, reason: string) => {
    p.log.warn({ origin: m.origin, messageId: id, reason }, 'message quarantined');
    if (!p.store.messages.has(id)) {
      p.store.messages.add({ messageId: id, origin: m.origin, subject: null, fromAddr: null, listId: null, sentAt: null, status: 'quarantined', reason, report: null, findings: null });
    }
    return done('quarantined');
  };

  if (m.raw.length > p.config.limits.maxMessageBytes) {
    return quarantine(syntheticMessageId(m.raw), `larger than limits.maxMessageBytes (${m.raw.length} bytes)`);
  }
  let post: Post;
  try {
    post = await parsePost(m.raw);
  } catch (err) {
    return quarantine(syntheticMessageId(m.raw), err instanceof KansokuError ? err.message : String(err));
  }
  if (p.store.messages.has(post.messageId)) return done('duplicate');

  const record = (status: 'processed' | 'skipped', reason: string, report: Report | null, findings: ReturnType<typeof correlate> | null) => ({
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

  const auto = automaticReason(post, ownAddress(p.config));
  if (auto) {
    p.log.info({ messageId: post.messageId, reason: auto }, 'not answering automatic mail');
    p.store.messages.add(record('skipped', auto, null, null));
    return done('automatic');
  }

  let report: Report;
  try {
    report = extractReport(post, {
      zone: p.config.counters.timezone,
      maxScanChars: p.config.limits.maxScanChars,
      maxLineChars: p.config.limits.maxLineChars,
    });
  } catch (err) {
    return quarantine(post.messageId, `extract failed: ${(err as Error).message}`);
  }
  if (report.ports.length === 0) {
    p.store.messages.add(record('processed', 'no port claims', report, null));
    return done('no-claims');
  }
  if (threadAnswered(post, report, p)) {
    p.store.messages.add(record('processed', 'thread already has our reply for these ports', report, null));
    return done('answered');
  }
  const findings = correlate(report, p.store.counters, reportTime(report), p.config.correlate);
  if (findings.every((f) => f.verdict === 'no-data')) {
    p.log.info({ messageId: post.messageId, ports: report.ports.map((x) => x.port) }, 'no sensor data for any reported port; no draft');
    p.store.messages.add(record('processed', 'no sensor data for any reported port', report, findings));
    return done('no-data');
  }

  const draft = renderReply({ post, report, findings, config: p.config });
  const eml = await toEml(draft);
  const path = writeAtomically(p.config.draft.outbox, emlName(report, draft.messageId), eml);
  const id = p.store.transaction(() => {
    p.store.messages.add(record('processed', 'drafted reply', report, findings));
    return p.store.drafts.add({ ...draft, eml, emlPath: path }, p.actor);
  });
  p.log.info({ messageId: post.messageId, draft: id, verdicts: findings.map((f) => `${f.proto}/${f.port}:${f.verdict}`), path }, 'draft written');
  summary.drafts.push({ id, subject: draft.subject, path });
  return done('drafted');
}

/** Runs every message of the given sources through the pipeline once. */
export async function processSources(sources: MessageSource[], p: Pipeline): Promise<RunSummary> {
  const summary = emptySummary();
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
