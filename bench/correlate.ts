/**
 * Correlation of a post naming five busy ports against a 90-day store, in process, against the
 * issue's target (at most 25 ms). The store is what a deployment would hold: a generated 90-day
 * sensor log imported by the built CLI with the default config, then the daily retention applied
 * at the log's end (so raw events for the last `counters.recentDays` only). The post is read by
 * the real extractor; `correlate()` is then called WARMUP times, and CALLS (default 31) more are
 * timed one by one: their median is the figure. On SQLite and, when its server answers,
 * PostgreSQL (a schema of its own). Prints numbers; asserts nothing.
 *   npm run bench:correlate          N=300000 CALLS=11 npm run bench:correlate
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { configSchema } from '../src/config/schema.ts';
import { correlate } from '../src/correlate/correlate.ts';
import { Store } from '../src/store/index.ts';
import { PostgresSql } from '../src/store/sql.ts';
import { HOUR_MS } from '../src/time.ts';
import { buildCli, buildIsStale } from '../scripts/build.ts';
import { report } from '../test/helpers/post.ts';
import { writeSensorLog } from './sensor-log.ts';

const root = resolve(import.meta.dirname, '..');
const bin = join(root, 'bin', 'kansoku.js');
const N = Number(process.env.N ?? 500_000);
const CALLS = Number(process.env.CALLS ?? 31);
const WARMUP = 5;
const PG = process.env.KANSOKU_BENCH_PG ?? 'postgres://kansoku:secret@127.0.0.1:15432/kansoku';
const TARGET_MS = 25;
const END = new Date(Date.UTC(2026, 10, 21));
/** Forty minutes into the log's last hour: the partial hour is judged from raw events too. */
const AT = new Date(END.getTime() - 20 * 60_000);
const TEXT =
  'Since yesterday we see SYN scans of TCP ports 23, 22, 445, 3389 and 80 from 192.0.2.1 and many others. ' +
  'Anyone else?';

const config = configSchema.parse({});
const dir = mkdtempSync(join(tmpdir(), 'kansoku-correlate-'));

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/** Imports `log` into the store at `at` with the built CLI and the default config, then prunes as the daemon would. */
function build(at: string, storeConfig: object, log: string): number {
  const file = join(dir, 'kansoku.yaml');
  writeFileSync(file, JSON.stringify({ store: storeConfig }));
  const t0 = performance.now();
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.KANSOKU_DB;
  const r = spawnSync(process.execPath, [bin, '--config', file, 'counters', 'import', log], { env, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`import into ${at}: ${r.stderr}`);
  const seconds = (performance.now() - t0) / 1000;
  const store = Store.open(at);
  const t = END.getTime();
  store.counters.prune(
    Math.floor((t - config.counters.retentionDays * 86_400_000) / HOUR_MS),
    t - config.counters.recentDays * 86_400_000,
  );
  store.close();
  return seconds;
}

function time(label: string, at: string): void {
  const store = Store.open(at);
  try {
    const post = report(TEXT, { date: AT.toISOString() });
    const run = () => correlate(post, store.counters, AT, config.correlate);
    for (let i = 0; i < WARMUP; i++) run();
    const ms: number[] = [];
    let findings = run();
    for (let i = 0; i < CALLS; i++) {
      const t0 = performance.now();
      findings = run();
      ms.push(performance.now() - t0);
    }
    const m = median(ms);
    console.log(
      `  ${label.padEnd(11)} ${m.toFixed(1).padStart(6)} ms median [${Math.min(...ms).toFixed(1)} .. ` +
        `${Math.max(...ms).toFixed(1)}] over ${CALLS} calls after ${WARMUP}; target <= ${TARGET_MS} ms: ` +
        `${m <= TARGET_MS ? 'met' : 'NOT met'}\n      ${post.ports.length} ports named; findings: ` +
        findings.map((f) => `${f.proto}/${f.port} ${f.verdict} (${f.current ?? '-'} in the hour)`).join(', '),
    );
  } finally {
    store.close();
  }
}

function pgSchema(): { at: string; drop(): void } | null {
  let admin: PostgresSql;
  try {
    admin = new PostgresSql(PG);
  } catch {
    return null;
  }
  const schema = `bench_correlate_${process.pid}`;
  admin.exec(`CREATE SCHEMA ${schema}`);
  return {
    at: `${PG}${PG.includes('?') ? '&' : '?'}options=-csearch_path%3D${schema}`,
    drop: () => {
      admin.exec(`DROP SCHEMA ${schema} CASCADE`);
      admin.close();
    },
  };
}

try {
  if (buildIsStale()) await buildCli();
  const log = join(dir, 'fw-90d.log');
  await writeSensorLog(log, { lines: N, days: 90, randomShare: 0.03, end: END });
  console.log(
    `correlate() in process, a post naming 5 busy ports, against ${N.toLocaleString('en-US')} netfilter lines ` +
      `over 90 days (${(statSync(log).size / 1e6).toFixed(0)} MB) imported with the default config; ` +
      `load average ${loadavg()[0]!.toFixed(2)}`,
  );
  const sqlite = join(dir, 'store.sqlite');
  const built = build(sqlite, { sqlite }, log);
  console.log(`  (SQLite store built in ${built.toFixed(1)} s)`);
  time('SQLite', sqlite);
  if (process.env.PG === '0') console.log('  PostgreSQL left out (PG=0)');
  else {
    const pg = pgSchema();
    if (!pg) console.log(`  PostgreSQL at ${PG.replace(/:[^:@/]*@/, ':***@')} does not answer: SQLite only`);
    else {
      try {
        build(pg.at, { postgres: pg.at }, log);
        time('PostgreSQL', pg.at);
      } finally {
        pg.drop();
      }
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
