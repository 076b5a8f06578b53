/**
 * Counters ingest as a user runs it: `kansoku counters import FILE` of the built CLI as a whole
 * process, timed from spawn to exit (module loading included), with the default config (raw
 * events kept, `counters.recentDays: 7`) and with raw events off (`recentDays: 0`), on SQLite and
 * PostgreSQL, against a fair baseline: a whole process that reads the same file in 4 MB Buffer
 * chunks and counts its newlines with indexOf(10) (bench/line-count.js). Each figure is the median
 * of RUNS (default 3) paired runs, the baseline run just before its subject, so that the machine's
 * noise hits both; percentages are the median of the pairs' ratios. Peak RSS is each process's own
 * (getrusage, reported by the preload bench/peak-rss.js), the largest of its runs. After the first
 * run of each case the stored rollups are checked against the generator's tally. Also: the old
 * read-and-split baseline (the one earlier figures were against), DuckDB doing the same count, 15%
 * of the lines to random ports, and a 60-day log for memory. Prints numbers; asserts nothing.
 *   npm run bench:ingest                 N=200000 RUNS=1 npm run bench:ingest
 *   KANSOKU_BENCH_PG=postgres://...      (default: the test server of scripts/pg-stack.sh; PG=0 leaves it out)
 *   LONG_N=20000000 npm run bench:ingest (the issue's 5 GB over 60 days; LONG_N=0 leaves it out)
 *   TAIL=0, DUCKDB=0                     leave out the random-port case, DuckDB
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import { Store, isPostgresUrl } from '../src/store/index.ts';
import { PostgresSql, SqliteSql, type Sql } from '../src/store/sql.ts';
import { buildCli, buildIsStale } from '../scripts/build.ts';
import { bucketKey, writeSensorLog, type LogShape, type Tally } from './sensor-log.ts';

const root = resolve(import.meta.dirname, '..');
const bin = join(root, 'bin', 'kansoku.js');
const preload = pathToFileURL(join(root, 'bench', 'peak-rss.js')).href;
const N = Number(process.env.N ?? 1_000_000);
const DAYS = Number(process.env.DAYS ?? 5);
const RUNS = Number(process.env.RUNS ?? 3);
const LONG_N = Number(process.env.LONG_N ?? 2_000_000);
const PG = process.env.KANSOKU_BENCH_PG ?? 'postgres://kansoku:secret@127.0.0.1:15432/kansoku';
/** The issue's targets (19, "counters at honest speed"). */
const TARGET = { defaultShare: 0.25, rollupsShare: 0.4, rssMb: 300, randomSlowdown: 2 };
/** Every log ends here, a fixed time, so that every run reads the same bytes. */
const END = new Date(Date.UTC(2026, 10, 21));
/** The rollups count sources exactly up to this many, and with a HyperLogLog sketch above (README). */
const SKETCH_ABOVE = 1024;
/** V8's longest string is about 512 MB: the split baseline cannot read a larger file. */
const MAX_SPLIT_BYTES = 500e6;

interface LogFile {
  path: string;
  mb: number;
  tally: Tally;
}

interface Timed {
  seconds: number;
  rssMb: number;
  stdout: string;
}

interface Case {
  label: string;
  log: LogFile;
  /** One timed run; `check` on the first, whose outcome then says how its counts compare. */
  run(check: boolean): Timed & { counts?: string };
}

interface Result {
  rate: number;
  seconds: number;
  share: number;
  rssMb: number;
  /** The first run, whose counts were checked. */
  first?: Timed & { counts?: string };
}

const dir = mkdtempSync(join(tmpdir(), 'kansoku-ingest-'));
const rssFile = join(dir, 'peak-rss');
const env: NodeJS.ProcessEnv = { ...process.env, BENCH_PEAK_RSS_FILE: rssFile };
// The config file names the store; an inherited KANSOKU_DB would override it.
delete env.KANSOKU_DB;

/** `node --import peak-rss.js ARGS` as a whole process: wall clock from spawn to exit, and its peak RSS. */
function timed(args: string[]): Timed {
  rmSync(rssFile, { force: true });
  const t0 = performance.now();
  const r = spawnSync(process.execPath, ['--import', preload, ...args], {
    env,
    encoding: 'utf8',
    maxBuffer: 16 << 20,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const seconds = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`node ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return { seconds, rssMb: Number(readFileSync(rssFile, 'utf8')) / 1024, stdout: r.stdout };
}

const baseline = (log: LogFile) => timed([join(root, 'bench', 'line-count.js'), 'chunks', log.path]);

async function logFile(name: string, shape: LogShape): Promise<LogFile> {
  const path = join(dir, name);
  const tally = await writeSensorLog(path, shape);
  return { path, mb: statSync(path).size / 1e6, tally };
}

function openSql(at: string): Sql {
  return isPostgresUrl(at) ? new PostgresSql(at) : new SqliteSql(new Database(at, { readonly: true }));
}

/**
 * The stored rollups against the generator's tally: every (hour, proto, port) with exactly its
 * events and no other row; distinct sources, where the generator kept the exact set, within what
 * percentage (the sketches are exact up to 1,024 sources, estimates above).
 */
function checkCounts(at: string, tally: Tally): string {
  const sql = openSql(at);
  const rows = sql.all<{ hour: number; proto: string; port: number; events: number; sources: number }>(
    'SELECT hour, proto, port, events, sources FROM rollups',
  );
  sql.close();
  let wrong = Math.abs(rows.length - tally.events.size);
  let worst = 0;
  let worstLarge = 0;
  let large = 0;
  let sampled = 0;
  for (const r of rows) {
    const key = bucketKey(r.hour, r.proto, r.port);
    if (tally.events.get(key) !== Number(r.events)) wrong++;
    const exact = tally.sources.get(key);
    if (!exact) continue;
    const err = Math.abs(Number(r.sources) - exact.size) / exact.size;
    worst = Math.max(worst, err);
    sampled++;
    if (exact.size > SKETCH_ABOVE) {
      large++;
      worstLarge = Math.max(worstLarge, err);
    }
  }
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  return (
    `counts: exact events ${wrong === 0 ? 'yes' : `NO (${wrong} of ${tally.events.size} buckets wrong)`}, ` +
    `sources within ${pct(worst)} (${sampled} of ${tally.sources.size} sampled buckets found; ` +
    `the ${large} of them with more than ${SKETCH_ABOVE} sources, which are sketched, within ${pct(worstLarge)})`
  );
}

let schemas = 0;
const pgAdmin = () => new PostgresSql(PG);

/** A new, empty store with its schema made (migrations are not what an import costs), and its removal. */
function freshStore(kind: 'SQLite' | 'PostgreSQL'): { at: string; config: object; remove(): void } {
  if (kind === 'SQLite') {
    const at = join(dir, 'store.sqlite');
    for (const f of [at, `${at}-wal`, `${at}-shm`]) rmSync(f, { force: true });
    Store.open(at).close();
    return { at, config: { sqlite: at }, remove: () => rmSync(at, { force: true }) };
  }
  const schema = `bench_ingest_${process.pid}_${schemas++}`;
  const admin = pgAdmin();
  admin.exec(`CREATE SCHEMA ${schema}`);
  admin.close();
  const at = `${PG}${PG.includes('?') ? '&' : '?'}options=-csearch_path%3D${schema}`;
  Store.open(at).close();
  return {
    at,
    config: { postgres: at },
    remove: () => {
      const a = pgAdmin();
      a.exec(`DROP SCHEMA ${schema} CASCADE`);
      a.close();
    },
  };
}

function importCase(label: string, log: LogFile, kind: 'SQLite' | 'PostgreSQL', recentDays?: number): Case {
  return {
    label,
    log,
    run(check) {
      const store = freshStore(kind);
      try {
        const config = join(dir, 'kansoku.yaml');
        // JSON is YAML: the store, and raw events off when asked; everything else the defaults.
        writeFileSync(
          config,
          JSON.stringify({ store: store.config, ...(recentDays === undefined ? {} : { counters: { recentDays } }) }),
        );
        const t = timed([bin, '--config', config, 'counters', 'import', '--json', log.path]);
        const [outcome] = JSON.parse(t.stdout) as Array<{ status: string; parsed: number }>;
        if (outcome?.status !== 'imported' || outcome.parsed !== log.tally.lines)
          throw new Error(`${label}: ${t.stdout}`);
        return check ? { ...t, counts: checkCounts(store.at, log.tally) } : t;
      } finally {
        store.remove();
      }
    },
  };
}

function scriptCase(label: string, log: LogFile, script: string, mode: string): Case {
  return { label, log, run: () => timed([join(root, 'bench', script), mode, log.path]) };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/**
 * Runs the cases round after round, each just after a baseline run on its own file, and returns
 * the medians: the subject's lines/s and seconds, its share of its paired baseline's speed.
 * The cases of one call read one file.
 */
function paired(cases: Case[], runs: number): { results: Result[]; baseline: Result } {
  const log = cases[0]!.log;
  const pairs = cases.map(() => [] as Array<{ base: Timed; t: Timed }>);
  const first: Array<Timed & { counts?: string }> = [];
  for (let r = 0; r < runs; r++) {
    cases.forEach((c, i) => {
      const base = baseline(log);
      const t = c.run(r === 0);
      if (r === 0) first[i] = t;
      pairs[i]!.push({ base, t });
    });
  }
  const summary = (ts: Timed[], shares: number[]): Result => ({
    rate: median(ts.map((t) => log.tally.lines / t.seconds)),
    seconds: median(ts.map((t) => t.seconds)),
    share: median(shares),
    rssMb: Math.max(...ts.map((t) => t.rssMb)),
  });
  return {
    results: pairs.map((ps, i) => ({
      ...summary(
        ps.map((p) => p.t),
        ps.map((p) => p.base.seconds / p.t.seconds),
      ),
      first: first[i]!,
    })),
    baseline: summary(
      pairs.flat().map((p) => p.base),
      [1],
    ),
  };
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const met = (ok: boolean) => (ok ? 'met' : 'NOT met');
const describe = (log: LogFile, shape: string) =>
  `${fmt(log.tally.lines)} netfilter lines over ${shape} (${log.mb.toFixed(0)} MB)`;

function line(label: string, r: Result, extra: string[] = []): void {
  console.log(
    `  ${label.padEnd(52)} ${fmt(r.rate).padStart(10)} lines/s ${r.seconds.toFixed(2).padStart(6)} s ` +
      `${(r.share * 100).toFixed(1).padStart(5)}% of fair  peak RSS ${r.rssMb.toFixed(0).padStart(4)} MB` +
      extra.map((e) => `\n      ${e}`).join(''),
  );
}

function pgReachable(): boolean {
  try {
    pgAdmin().close();
    return true;
  } catch {
    return false;
  }
}

try {
  if (buildIsStale()) await buildCli();
  const cpu = cpus();
  console.log(
    `${cpu.length} cores (${cpu[0]?.model.trim()}), Node ${process.version}, ` +
      `load average ${loadavg()[0]!.toFixed(2)} at start; every figure a whole process from spawn to exit, ` +
      `median of ${RUNS} paired runs`,
  );
  const main = await logFile('fw.log', { lines: N, days: DAYS, randomShare: 0.03, end: END });
  console.log(`\n${describe(main, `${DAYS} days, 50 ports with a heavy head, 3% to random ports`)}`);
  const stores: Array<'SQLite' | 'PostgreSQL'> = ['SQLite'];
  if (process.env.PG === '0') console.log('  PostgreSQL left out (PG=0)');
  else if (pgReachable()) stores.push('PostgreSQL');
  else
    console.log(
      `  PostgreSQL at ${PG.replace(/:[^:@/]*@/, ':***@')} does not answer: SQLite only (scripts/pg-stack.sh up)`,
    );
  const cases: Case[] = [];
  const splits = main.mb * 1e6 <= MAX_SPLIT_BYTES;
  if (splits) cases.push(scriptCase("old baseline: readFileSync(latin1).split('\\n')", main, 'line-count.js', 'split'));
  for (const s of stores) {
    cases.push(importCase(`kansoku counters import, ${s}, default config`, main, s));
    cases.push(importCase(`kansoku counters import, ${s}, recentDays: 0`, main, s, 0));
  }
  const duck = process.env.DUCKDB !== '0';
  if (duck) cases.push(scriptCase('DuckDB, approx_count_distinct', main, 'duckdb-count.js', 'approx'));
  const { results, baseline: fair } = paired(cases, RUNS);
  line('fair baseline: 4 MB Buffer chunks, indexOf(10)', fair);
  let i = 0;
  if (splits) line(cases[i]!.label, results[i++]!, ['(earlier figures were against this one)']);
  const rates: Record<string, number> = {};
  for (const s of stores) {
    for (const rollupsOnly of [false, true]) {
      const r = results[i]!;
      const target = rollupsOnly ? TARGET.rollupsShare : TARGET.defaultShare;
      rates[`${s}${rollupsOnly}`] = r.rate;
      line(cases[i++]!.label, r, [
        `target >= ${target * 100}% of fair: ${met(r.share >= target)}; ` +
          `peak RSS < ${TARGET.rssMb} MB: ${met(r.rssMb < TARGET.rssMb)}`,
        r.first!.counts!,
      ]);
    }
  }
  if (duck) {
    const r = results[i]!;
    const d = JSON.parse(r.first!.stdout) as {
      groups: number;
      events: number;
      version: string;
    };
    const exact = timed([join(root, 'bench', 'duckdb-count.js'), 'exact', main.path]);
    const same = d.groups === main.tally.events.size && d.events === main.tally.lines;
    line(`DuckDB ${d.version}, approx_count_distinct`, r, [
      `same buckets and events as the tally: ${same ? 'yes' : 'NO'}; ` +
        `with count(DISTINCT) instead (one run): ${fmt(main.tally.lines / exact.seconds)} lines/s, ` +
        `${exact.seconds.toFixed(2)} s, peak RSS ${exact.rssMb.toFixed(0)} MB`,
      ...stores.map((s) => {
        const k = rates[`${s}false`]! / r.rate;
        const k0 = rates[`${s}true`]! / r.rate;
        return (
          `kansoku on ${s} against it: default config ${k.toFixed(2)}x its speed, recentDays: 0 ` +
          `${k0.toFixed(2)}x (target: faster: ${met(k > 1)}, ${met(k0 > 1)})`
        );
      }),
    ]);
  }

  if (process.env.TAIL !== '0') {
    const tail = await logFile('fw-tail.log', { lines: N, days: DAYS, randomShare: 0.15, end: END });
    console.log(`\n${describe(tail, `${DAYS} days, 15% to random ports`)}; ratio: the case above's lines/s to this`);
    const tailCases = [
      importCase('kansoku counters import, SQLite, default config', tail, 'SQLite'),
      importCase('kansoku counters import, SQLite, recentDays: 0', tail, 'SQLite', 0),
    ];
    const t = paired(tailCases, RUNS);
    line('fair baseline: 4 MB Buffer chunks, indexOf(10)', t.baseline);
    t.results.forEach((r, j) => {
      const slowdown = rates[`SQLite${j === 1}`]! / r.rate;
      line(tailCases[j]!.label, r, [
        `ratio ${slowdown.toFixed(2)}x; target within ${TARGET.randomSlowdown}x: ` +
          `${met(slowdown <= TARGET.randomSlowdown)}; peak RSS < ${TARGET.rssMb} MB: ${met(r.rssMb < TARGET.rssMb)}`,
        r.first!.counts!,
      ]);
    });
    rmSync(tail.path);
  }

  if (LONG_N > 0) {
    const long = await logFile('fw-long.log', { lines: LONG_N, days: 60, randomShare: 0.03, end: END });
    console.log(`\n${describe(long, '60 days')}, for memory: one paired run`);
    const longCase = importCase('kansoku counters import, SQLite, default config', long, 'SQLite');
    const l = paired([longCase], 1);
    line('fair baseline: 4 MB Buffer chunks, indexOf(10)', l.baseline);
    line(longCase.label, l.results[0]!, [
      `peak RSS < ${TARGET.rssMb} MB: ${met(l.results[0]!.rssMb < TARGET.rssMb)}`,
      l.results[0]!.first!.counts!,
    ]);
  }
  console.log(`\nload average ${loadavg()[0]!.toFixed(2)} at the end`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
