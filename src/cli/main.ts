import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { resolve } from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import { createApp, type App, type Context } from '../app.ts';
import { packageRoot, type LoadedConfig } from '../config/load.ts';
import { importConfigured, importFile, importOptions, importStream, type ImportOutcome } from '../counters/import.ts';
import { correlate, reportTime } from '../correlate/correlate.ts';
import { KansokuError } from '../errors.ts';
import { extractReport } from '../extract/report.ts';
import type { Logger } from '../log.ts';
import { parsePost } from '../mail/parse.ts';
import { detectSourceType, openSource, type MessageSource } from '../mail/sources.ts';
import { FileFollower, listenSyslog, LiveIngest } from '../counters/live.ts';
import { pruneCounters } from '../counters/retention.ts';
import { rowPoints } from '../counters/rollups.ts';
import { tallyOf } from '../events/tally.ts';
import type { DraftStatus, Post, Proto, Report } from '../model.ts';
import { ownNetworkSources } from '../correlate/own.ts';
import { OwnNetworks } from '../extract/notations.ts';
import { dispatchOnce, imapCatchUp, runDaemon } from '../pipeline/daemon.ts';
import { buildDigest, digestDraft } from '../pipeline/digest.ts';
import { parseWeek, previousWeek, weekOf } from '../digest/week.ts';
import { processSources, type RunSummary } from '../pipeline/process.ts';
import { decide } from '../review/transitions.ts';
import type { Store } from '../store/index.ts';
import {
  printDispatch,
  printDraft,
  printDrafts,
  printEvent,
  printEvents,
  printFindings,
  printImport,
  printReport,
  printStats,
  printSummary,
} from './print.ts';

const VERSION = (JSON.parse(readFileSync(resolve(packageRoot, 'package.json'), 'utf8')) as { version: string }).version;

interface GlobalOptions {
  config?: string;
  db?: string;
  logLevel?: string;
}

interface Cli {
  app: App;
  loaded: LoadedConfig;
  log: Logger;
  out: (s: string) => void;
}

function context(cmd: Command, out: (s: string) => void): Cli {
  const g = cmd.optsWithGlobals<GlobalOptions>();
  const app = createApp({ config: g.config, db: g.db, logLevel: g.logLevel });
  return { app, loaded: app.loaded, log: app.log, out };
}

function withStore<T>(ctx: Cli, fn: (store: Store, c: Context) => Promise<T> | T): Promise<T> {
  return ctx.app.run((c) => fn(c.store, c));
}

function actor(by?: string): string {
  if (by) return by;
  try {
    return process.env.KANSOKU_ACTOR ?? userInfo().username;
  } catch {
    return 'unknown';
  }
}

async function firstPost(file: string) {
  const src = openSource(detectSourceType(file), file);
  for await (const m of src.messages()) return parsePost(m.raw);
  throw new KansokuError('INPUT_UNREADABLE', 'mail', `${file}: no message in it`);
}

async function reportOf(ctx: Cli, file: string): Promise<Report> {
  return (await postAndReport(ctx, file)).report;
}

async function postAndReport(ctx: Cli, file: string): Promise<{ post: Post; report: Report }> {
  const c = ctx.loaded.config;
  const post = await firstPost(file);
  const report = extractReport(post, {
    zone: c.counters.timezone,
    maxScanChars: c.limits.maxScanChars,
    maxLineChars: c.limits.maxLineChars,
  });
  return { post, report };
}

async function importCounters(ctx: Cli, store: Store, files: string[], sensor?: string): Promise<ImportOutcome[]> {
  const opts = importOptions(ctx.loaded.config, sensor);
  const out: ImportOutcome[] = [];
  for (const f of files) {
    out.push(
      f === '-'
        ? await importStream(store, 'stdin', process.stdin, opts, ctx.log)
        : await importFile(store, f, opts, ctx.log),
    );
  }
  return out;
}

export function buildProgram(out: (s: string) => void = (s) => process.stdout.write(s)): Command {
  const program = new Command('kansoku')
    .description(
      'Reads sensor reports on a security trust list, checks them against your own counters, and drafts bilingual (JA/EN) replies for review.',
    )
    .option('--config <file>', 'config file (default: ./kansoku.yaml if present, else the embedded demo)')
    .option(
      '--db <file|url>',
      'store to use instead of the configured one: a SQLite file or a postgres:// URL (also KANSOKU_DB)',
    )
    .addOption(
      new Option(
        '--log-level <level>',
        'structured log events on stderr from this level (default: $KANSOKU_LOG_LEVEL or warn)',
      ).choices(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']),
    )
    .version(
      `kansoku ${VERSION}\nCountry data: this product includes IP2Location LITE data available from https://lite.ip2location.com (CC BY-SA 4.0).`,
      '-V, --version',
    )
    .showHelpAfterError()
    .exitOverride();
  const print = (s: string) => out(s.endsWith('\n') ? s : `${s}\n`);

  program
    .command('run')
    .description(
      'import the configured sensor logs, then process every new message of the configured sources (or of PATHs) once',
    )
    .argument(
      '[paths...]',
      'Maildir folders, mbox files or .eml files to process instead of the configured sources ("-" for stdin)',
    )
    .option(
      '--watch',
      'stay up: wait for new mail on IMAP (IDLE), send approved drafts, run periodic jobs; stop with SIGTERM',
    )
    .option('--json', 'print the summary as JSON')
    .action(async (paths: string[], opts: { json?: boolean; watch?: boolean }, cmd: Command) => {
      const ctx = context(cmd, print);
      const c = ctx.loaded.config;
      await withStore(ctx, async (store, pipeline) => {
        const imports = await importConfigured(store, c, ctx.log);
        const sources: MessageSource[] = paths.length
          ? paths.map((p) => openSource(detectSourceType(p), p))
          : c.sources.map((s) => openSource(s.type, s.path));
        const summary: RunSummary = await processSources(sources, pipeline);
        if (opts.watch) {
          const watched = await runDaemon(pipeline, (folders) => {
            ctx.log.info({ folders }, 'watching');
            print(`watching ${folders.length ? folders.join(', ') : 'no IMAP folder'}; stop with SIGTERM`);
          });
          printSummary(print, watched, imports, ctx.loaded, c.draft.outbox);
          return;
        }
        if (!paths.length) {
          try {
            await imapCatchUp(pipeline, summary);
          } catch (err) {
            // The mailbox being out of reach must not keep approved drafts from going out.
            ctx.log.error({ err: (err as Error).message }, 'IMAP catch-up failed');
            process.stderr.write(`kansoku: IMAP catch-up failed: ${(err as Error).message}\n`);
            process.exitCode = 1;
          }
        }
        const sent = await dispatchOnce(c, store, ctx.log);
        if (opts.json) print(JSON.stringify({ imports, ...summary, sent }, null, 2));
        else {
          printSummary(print, summary, imports, ctx.loaded, c.draft.outbox);
          if (sent.sent || sent.found || sent.failed || sent.waiting || sent.refused) printDispatch(print, sent);
        }
      });
    });

  program
    .command('send')
    .description('send approved drafts and review requests now (the daemon does this every two seconds)')
    .option('--json', 'print the outcome as JSON')
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      const ctx = context(cmd, print);
      await withStore(ctx, async (store) => {
        const r = await dispatchOnce(ctx.loaded.config, store, ctx.log);
        if (opts.json) print(JSON.stringify(r));
        else printDispatch(print, r);
      });
    });

  program
    .command('extract')
    .description('print what one message claims: ports, log lines, counts, TLP')
    .argument('<file>', '.eml file, mbox (first message) or "-" for stdin')
    .option('--json', 'print the Report as JSON (the stable contract)')
    .action(async (file: string, opts: { json?: boolean }, cmd: Command) => {
      const ctx = context(cmd, print);
      const report = await reportOf(ctx, file);
      if (opts.json) print(JSON.stringify(report, null, 2));
      else printReport(print, report);
    });

  program
    .command('correlate')
    .description("check one message's claims against the stored counters")
    .argument('<file>', '.eml file, mbox (first message) or "-" for stdin')
    .option('--json', 'print the Findings as JSON (the stable contract)')
    .option('--at <time>', 'judge at this ISO time instead of the message Date')
    .action(async (file: string, opts: { json?: boolean; at?: string }, cmd: Command) => {
      const ctx = context(cmd, print);
      if (opts.at && Number.isNaN(Date.parse(opts.at)))
        throw new KansokuError('INPUT_UNREADABLE', 'cli', `--at ${opts.at}: not an ISO time`);
      const { post, report } = await postAndReport(ctx, file);
      const own = ownNetworkSources(post, new OwnNetworks(ctx.loaded.config.operator.networks));
      await withStore(ctx, (store) => {
        const findings = correlate(report, store.counters, reportTime(report, opts.at), ctx.loaded.config.correlate);
        if (opts.json)
          print(
            JSON.stringify(
              {
                messageId: report.messageId,
                at: reportTime(report, opts.at).toISOString(),
                findings,
                ownNetworkSources: own,
              },
              null,
              2,
            ),
          );
        else printFindings(print, report, findings, own);
      });
    });

  const counters = program.command('counters').description('the local hourly counters');
  counters
    .command('import')
    .description('parse sensor / firewall logs and add them to the hourly counters (stdin when no FILE is given)')
    .argument('[files...]', 'log files, plain or .gz; "-" for stdin')
    .option('--sensor <name>', 'the sensor these logs come from (default: counters.sensor)')
    .option('--json', 'print the outcome as JSON')
    .action(async (files: string[], opts: { json?: boolean; sensor?: string }, cmd: Command) => {
      const ctx = context(cmd, print);
      await withStore(ctx, async (store) => {
        const r = await importCounters(ctx, store, files.length ? files : ['-'], opts.sensor);
        if (opts.json) print(JSON.stringify(r, null, 2));
        else for (const o of r) printImport(print, o);
      });
    });
  counters
    .command('stats')
    .description(
      'the hourly rollups as a table: events, distinct sources, targets and /24s, SYN-only share, top countries',
    )
    .option('--port <port>', 'only this port')
    .addOption(new Option('--proto <proto>', 'only this protocol').choices(['tcp', 'udp', 'icmp']))
    .option('--since <time>', 'only hours from this ISO time on')
    .option('--sensor <name>', 'only this sensor')
    .option('--limit <n>', 'at most this many rows', '50')
    .option('--json', 'print as JSON')
    .action(
      async (
        opts: { port?: string; proto?: Proto; since?: string; sensor?: string; limit: string; json?: boolean },
        cmd: Command,
      ) => {
        const ctx = context(cmd, print);
        if (opts.since && Number.isNaN(Date.parse(opts.since)))
          throw new KansokuError('INPUT_UNREADABLE', 'cli', `--since ${opts.since}: not an ISO time`);
        await withStore(ctx, (store) => {
          const rows = rowPoints(
            store.counters.rows({
              proto: opts.proto,
              port: opts.port === undefined ? undefined : Number(opts.port),
              from: opts.since ? Math.floor(Date.parse(opts.since) / 3_600_000) : undefined,
              sensor: opts.sensor,
              limit: Math.max(1, Number(opts.limit) || 50),
            }),
          );
          if (opts.json)
            print(
              JSON.stringify(
                rows.map((r) => ({ ...r, hour: new Date(r.hour * 3_600_000).toISOString() })),
                null,
                2,
              ),
            );
          else printStats(print, rows);
        });
      },
    );
  counters
    .command('follow')
    .description('follow a log file as it grows and is rotated (like tail -F), until SIGTERM')
    .argument('<file>', 'the log file')
    .option('--sensor <name>', 'the sensor this log comes from (default: counters.sensor)')
    .option('--from-start', 'read the file from its beginning, not from its current end')
    .action(async (file: string, opts: { sensor?: string; fromStart?: boolean }, cmd: Command) => {
      const ctx = context(cmd, print);
      await withStore(ctx, async (store) => {
        const live = new LiveIngest(store, importOptions(ctx.loaded.config, opts.sensor), ctx.log);
        const f = new FileFollower(resolve(file), live, ctx.log, opts.fromStart);
        f.start();
        print(`following ${file}; stop with SIGTERM`);
        await untilSignal();
        f.close();
        live.close();
        print(`${live.lines} lines read`);
      });
    });
  counters
    .command('listen')
    .description('receive syslog (RFC 3164 / 5424) on UDP and/or TCP into the counters, until SIGTERM')
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .option('--udp <port>', 'UDP port')
    .option('--tcp <port>', 'TCP port')
    .option('--sensor <name>', 'the sensor name for what arrives (default: counters.sensor)')
    .action(async (opts: { host: string; udp?: string; tcp?: string; sensor?: string }, cmd: Command) => {
      const ctx = context(cmd, print);
      if (opts.udp === undefined && opts.tcp === undefined)
        throw new KansokuError('INPUT_UNREADABLE', 'cli', 'give --udp PORT, --tcp PORT or both');
      await withStore(ctx, async (store) => {
        const live = new LiveIngest(store, importOptions(ctx.loaded.config, opts.sensor), ctx.log);
        const l = await listenSyslog(
          live,
          {
            host: opts.host,
            udpPort: opts.udp === undefined ? undefined : Number(opts.udp),
            tcpPort: opts.tcp === undefined ? undefined : Number(opts.tcp),
          },
          ctx.log,
        );
        print(
          `listening for syslog on ${opts.host}${l.udpPort ? ` udp/${l.udpPort}` : ''}${l.tcpPort ? ` tcp/${l.tcpPort}` : ''}; stop with SIGTERM`,
        );
        await untilSignal();
        await l.close();
        live.close();
        print(`${live.lines} messages received`);
      });
    });
  counters
    .command('prune')
    .description('drop rollups and raw events past their retention (the daemon does this daily)')
    .action(async (_opts: unknown, cmd: Command) => {
      const ctx = context(cmd, print);
      await withStore(ctx, (store) => {
        const r = pruneCounters(store, ctx.loaded.config, new Date());
        print(`pruned ${r.rollups} rollup rows and ${r.recent} raw events`);
      });
    });
  counters
    .command('status')
    .description('what the counters hold')
    .option('--json', 'print as JSON')
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      const ctx = context(cmd, print);
      await withStore(ctx, (store) => {
        const s = store.counters.summary();
        const v = {
          ...s,
          firstHour: s.firstHour === null ? null : new Date(s.firstHour * 3_600_000).toISOString(),
          lastHour: s.lastHour === null ? null : new Date(s.lastHour * 3_600_000).toISOString(),
        };
        print(
          opts.json
            ? JSON.stringify(v, null, 2)
            : `hours with data: ${v.hours} (${v.firstHour ?? '-'} .. ${v.lastHour ?? '-'}), rollups: ${v.buckets}, sensors: ${v.sensors.join(', ') || '-'}, ` +
                `raw events kept: ${v.recentEvents}, files imported: ${v.imports}`,
        );
      });
    });

  program
    .command('drafts')
    .description('list drafts')
    .addOption(
      new Option('--status <status>', 'only drafts with this status').choices([
        'draft',
        'held',
        'approved',
        'rejected',
        'sent',
      ]),
    )
    .option('--json', 'print as JSON')
    .action(async (opts: { status?: DraftStatus; json?: boolean }, cmd: Command) => {
      const ctx = context(cmd, print);
      await withStore(ctx, (store) => {
        const list = store.drafts.list(opts.status);
        if (opts.json)
          print(
            JSON.stringify(
              list.map(({ eml: _eml, text: _text, ...d }) => d),
              null,
              2,
            ),
          );
        else printDrafts(print, list);
      });
    });

  program
    .command('show')
    .description('print one draft with its history')
    .argument('<id>', 'draft number')
    .option('--eml', 'print the raw message as it would be sent')
    .option('--json', 'print as JSON')
    .action(async (id: string, opts: { eml?: boolean; json?: boolean }, cmd: Command) => {
      const ctx = context(cmd, print);
      await withStore(ctx, (store) => {
        const d = store.drafts.get(draftId(id));
        const history = store.drafts.history(d.id);
        if (opts.eml) print(d.eml.toString('utf8'));
        else if (opts.json) print(JSON.stringify({ ...d, eml: undefined, history }, null, 2));
        else printDraft(print, d, history);
      });
    });

  const actionHelp = {
    approve: 'approve a draft for sending (recorded with who and when); it goes after review.sendDelaySeconds',
    reject: 'reject a draft, or take back an approval that has not been sent yet (recorded with who and when)',
    release: 'release a held draft (it named our own networks, or the outbound gate refused it) for review',
  };
  for (const action of ['approve', 'reject', 'release'] as const) {
    program
      .command(action)
      .description(actionHelp[action])
      .argument('<id>', 'draft number')
      .option('--by <name>', 'who decides (default: $KANSOKU_ACTOR or the login name)')
      .option('--note <text>', 'a note for the audit trail')
      .action(async (id: string, opts: { by?: string; note?: string }, cmd: Command) => {
        const ctx = context(cmd, print);
        const delay = ctx.loaded.config.review.sendDelaySeconds;
        await withStore(ctx, async (store, c) => {
          if (action === 'release') {
            const { releaseDraft } = await import('../pipeline/release.ts');
            const r = await releaseDraft(
              { ...c, actor: actor(opts.by) },
              draftId(id),
              actor(opts.by),
              opts.note ?? null,
            );
            print(`draft #${r.draft.id} ${r.draft.status} by ${actor(opts.by)}: ${r.draft.subject}`);
            if (r.movedTo) print(`moved to ${r.movedTo}`);
            if (r.requested) print(`review request queued for ${ctx.loaded.config.review.address}`);
            return;
          }
          const sendAfter = action === 'approve' && delay ? new Date(Date.now() + delay * 1000).toISOString() : null;
          const d = decide(store, draftId(id), action, actor(opts.by), opts.note ?? null, sendAfter);
          print(`draft #${d.id} ${d.status} by ${actor(opts.by)}: ${d.subject}`);
          if (sendAfter) print(`it is sent from ${sendAfter} on; "kansoku reject ${d.id}" takes it back until then`);
        });
      });
  }

  program
    .command('events')
    .description('list events (one incident per proto/port and time window) with their tally of sightings')
    .option('--json', 'print as JSON (the stable contract)')
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      const ctx = context(cmd, print);
      await withStore(ctx, (store) => {
        const list = store.events.list().map((e) => eventSummary(store, e.id));
        if (opts.json) print(JSON.stringify(list, null, 2));
        else printEvents(print, list);
      });
    });

  program
    .command('event')
    .description('show one event: its posts, our findings and the sightings')
    .argument('<id>', 'event number')
    .option('--json', 'print as JSON')
    .action(async (id: string, opts: { json?: boolean }, cmd: Command) => {
      const ctx = context(cmd, print);
      await withStore(ctx, (store) => {
        const n = Number(id.replace(/^#/, ''));
        if (!Number.isInteger(n) || !store.events.get(n))
          throw new KansokuError('INPUT_UNREADABLE', 'cli', `no event ${id}`);
        const detail = {
          ...eventSummary(store, n),
          posts: store.events.posts(n).map((p) => ({ ...p, subject: store.messages.subject(p.messageId) })),
        };
        if (opts.json) print(JSON.stringify(detail, null, 2));
        else printEvent(print, detail);
      });
    });

  program
    .command('digest')
    .description(
      'render the weekly digest of any week; it goes to review like any draft (unless send.autoSend allows digests)',
    )
    .option('--week <week>', 'ISO week such as 2026-W47 (default: the last full week)')
    .option('--dry-run', 'print the digest and write its charts, but store nothing')
    .option('--out <dir>', 'with --dry-run: where to write the .eml and the charts', '.')
    .action(async (opts: { week?: string; dryRun?: boolean; out: string }, cmd: Command) => {
      const ctx = context(cmd, print);
      const c = ctx.loaded.config;
      await withStore(ctx, async (_store, p) => {
        const week = opts.week
          ? parseWeek(opts.week, c.digest.timezone)
          : previousWeek(weekOf(new Date(), c.digest.timezone));
        if (opts.dryRun) {
          const d = await buildDigest(p, week);
          if (d.problems.length)
            throw new KansokuError(
              'OUTBOUND_REFUSED',
              'outbound',
              `the digest would be refused: ${d.problems.join('; ')}`,
            );
          mkdirSync(opts.out, { recursive: true });
          writeFileSync(resolve(opts.out, `digest-${week.id}.eml`), d.eml);
          for (const ch of d.charts) writeFileSync(resolve(opts.out, `digest-${week.id}-${ch.name}`), ch.png);
          print(`Subject: ${d.draft.subject}\n\n${d.draft.text}`);
          print(`(dry run: nothing stored; message and ${d.charts.length} charts written to ${opts.out})`);
          return;
        }
        const r = await digestDraft(p, week);
        print(r.created ? `digest ${week.id}: draft #${r.id}` : `digest ${week.id}: already drafted as #${r.id}`);
      });
    });

  program
    .command('check-config')
    .description('validate the config and print where it came from')
    .action((_opts: unknown, cmd: Command) => {
      const ctx = context(cmd, print);
      print(`config OK: ${ctx.loaded.embedded ? 'embedded demo default' : ctx.loaded.path}`);
    });

  return program;
}

/** An event as `kansoku events --json` prints it (DESIGN.md contract, plus a few fields). */
export function eventSummary(store: Store, id: number) {
  const e = store.events.get(id)!;
  const { byOrg, unverified, ...tally } = tallyOf(store.events.sightings(id));
  return {
    id: e.id,
    proto: e.proto,
    port: e.port,
    firstSeen: e.firstSeen,
    lastSeen: e.lastSeen,
    verdict: e.lastVerdict,
    tally,
    byOrg,
    unverified,
    sightings: store.events.sightings(id).map((s) => ({
      messageId: s.messageId,
      verdict: s.verdict,
      org: s.org,
      counted: s.counted,
      why: s.why,
      counts: s.counts,
      at: s.at,
    })),
  };
}

export type EventSummary = ReturnType<typeof eventSummary>;

function untilSignal(): Promise<void> {
  return new Promise((r) => {
    process.once('SIGTERM', () => r());
    process.once('SIGINT', () => r());
  });
}

function draftId(s: string): number {
  const n = Number(s.replace(/^#/, ''));
  if (!Number.isInteger(n) || n <= 0) throw new KansokuError('DRAFT_NOT_FOUND', 'cli', `"${s}" is not a draft number`);
  return n;
}

/** Runs the CLI and returns the process exit code. */
export async function main(argv: string[], out?: (s: string) => void): Promise<number> {
  const program = buildProgram(out);
  try {
    await program.parseAsync(argv);
    // A command that went on after a partial failure (an IMAP catch-up, say) has set the code.
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode;
    if (err instanceof KansokuError) {
      process.stderr.write(`kansoku: ${err.message}\n`);
      return err.code === 'CONFIG_INVALID' || err.code === 'CONFIG_UNREADABLE' ? 78 : 1;
    }
    process.stderr.write(`kansoku: unexpected error: ${(err as Error).stack ?? String(err)}\n`);
    return 70;
  }
}
