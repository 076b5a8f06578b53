import cron from 'node-cron';
import { importConfigured } from '../counters/import.ts';
import { pruneCounters } from '../counters/retention.ts';
import type { Config } from '../config/schema.ts';
import type { Logger } from '../log.ts';
import { MailboxSync, MailboxWatcher, withImap } from '../mail/imap.ts';
import { Dispatcher, type DispatchResult } from '../outbound/send.ts';
import type { RawMessage } from '../mail/sources.ts';
import type { Store } from '../store/index.ts';
import { advise } from './advise.ts';
import { DigestScheduler } from './digest.ts';
import { OverviewScheduler } from './overview.ts';
import type { Context } from '../context.ts';
import { emptySummary, handleMessage, resumeUpdates, type RunSummary } from './process.ts';

/** One message at a time through the pipeline, whichever mailbox it came from. */
class Serial {
  private tail: Promise<unknown> = Promise.resolve();
  run<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.tail.then(fn, fn);
    this.tail = next.catch(() => undefined);
    return next;
  }
  idle(): Promise<unknown> {
    return this.tail;
  }
}

/** Each message through the one failure policy of `handleMessage`, one at a time. */
function handler(p: Context, summary: RunSummary, serial: Serial) {
  return async (m: RawMessage) => {
    await serial.run(() => handleMessage(m, p, summary));
  };
}

function readers(p: Context, summary: RunSummary, serial: Serial): MailboxSync[] {
  const imap = p.config.imap!;
  return imap.folders.map(
    (f) => new MailboxSync(imap, f, p.store, handler(p, summary, serial), p.log, p.config.limits.maxMessageBytes),
  );
}

/** Reads every configured IMAP folder once, from its checkpoint to the end. */
export async function imapCatchUp(p: Context, summary = emptySummary()): Promise<RunSummary> {
  if (!p.config.imap) return summary;
  const serial = new Serial();
  await withImap(p.config.imap, async (client) => {
    for (const r of readers(p, summary, serial)) await r.sync(client);
  });
  return summary;
}

export async function dispatchOnce(config: Config, store: Store, log: Logger): Promise<DispatchResult> {
  const d = new Dispatcher(config, store, log);
  try {
    return await d.dispatch();
  } finally {
    d.close();
  }
}

/**
 * The long-running bot: IMAP in (IDLE), outbox out, periodic jobs on node-cron. SIGTERM or SIGINT
 * finishes the message at hand, lets the store commit, logs out of the servers and returns.
 */
export async function runDaemon(p: Context, onReady: (folders: string[]) => void): Promise<RunSummary> {
  const summary = emptySummary();
  const serial = new Serial();
  const watchers = p.config.imap
    ? readers(p, summary, serial).map((r) => new MailboxWatcher(p.config.imap!, r, p.log))
    : [];
  const dispatcher = new Dispatcher(p.config, p.store, p.log);
  let dispatching: Promise<unknown> = Promise.resolve();
  const dispatch = () => {
    dispatching = dispatching.then(() =>
      dispatcher.dispatch().catch((err: Error) => p.log.error({ err: err.message }, 'dispatch failed')),
    );
    return dispatching;
  };
  // Approvals made from the CLI or by mail are picked up within two seconds.
  const outboxJob = cron.schedule('*/2 * * * * *', () => void dispatch(), { noOverlap: true, name: 'outbox' });
  const digest = new DigestScheduler(p);
  const digestTick = () => digest.tick().catch(() => undefined);
  const digestJob = cron.schedule(p.config.digest.schedule, digestTick, {
    timezone: p.config.digest.timezone,
    noOverlap: true,
    name: 'digest',
  });
  const overview = new OverviewScheduler(p);
  const overviewTick = () => serial.run(() => overview.tick()).catch(() => undefined);
  const overviewJob = cron.schedule(p.config.overview.schedule, overviewTick, {
    timezone: p.config.overview.timezone,
    noOverlap: true,
    name: 'overview',
  });
  // Retention: rollups and raw events past their time go once a day.
  const pruneJob = cron.schedule(
    '17 3 * * *',
    () => {
      const r = pruneCounters(p.store, p.config, new Date());
      p.log.info(r, 'counters pruned');
    },
    { noOverlap: true, name: 'prune' },
  );
  // Configured sensor logs, read again as they grow (from where the last import ended). A stop
  // ends an import between chunks, uncounted: the next start reads that part again.
  let importing: Promise<unknown> = Promise.resolve();
  const stopImport = new AbortController();
  const importJob = p.config.counters.files.length
    ? cron.schedule(
        p.config.counters.importSchedule,
        () => {
          importing = importConfigured(p.store, p.config, p.log, stopImport.signal)
            // Detection runs on what the import added, one message or job at a time with the rest.
            .then(() => serial.run(() => advise(p, summary)))
            .catch((err: Error) => p.log.error({ err: err.message }, 'sensor log import or detection failed'));
          return importing;
        },
        { noOverlap: true, name: 'import' },
      )
    : null;
  // A digest missed while the bot was down is due now.
  const catchUp = Promise.all([digestTick(), overviewTick()]);

  const stopped = new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      p.log.info({ signal }, 'stopping: finishing the message at hand');
      resolve();
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });

  await serial.run(() => resumeUpdates(p, summary));
  for (const w of watchers) w.start();
  onReady(p.config.imap?.folders ?? []);
  await stopped;

  await outboxJob.stop();
  await digestJob.stop();
  await overviewJob.stop();
  await pruneJob.stop();
  await importJob?.stop();
  stopImport.abort();
  await importing;
  await catchUp;
  await Promise.all(watchers.map((w) => w.stop()));
  await serial.idle();
  await dispatching;
  dispatcher.close();
  return summary;
}
