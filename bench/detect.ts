/**
 * `kansoku detect` over six weeks of hourly rollups for 1,000 active ports (ordinary traffic with
 * daily and weekly cycles, a few bursts), as a whole process, against a whole process that reads
 * the same rows with a plain SELECT from the same SQLite file. The two run in turn, round after
 * round; the median of the per-round ratios is printed against the target (at most 3x, and under
 * 2 s). The plain SELECT makes an object of every row, which detect's packed read (one string per
 * hour and protocol) does not: that read alone is timed too, as the baseline that does not flatter.
 * Prints numbers; asserts nothing.
 *   npm run bench:detect          PORTS=200 WEEKS=6 ROUNDS=7 npm run bench:detect
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { Store } from '../src/store/index.ts';
import { randomPort, rng, traffic } from '../test/helpers/traffic.ts';
import { buildCli, buildIsStale } from '../scripts/build.ts';

const root = resolve(import.meta.dirname, '..');
const bin = join(root, 'bin', 'kansoku.js');
const PORTS = Number(process.env.PORTS ?? 1000);
const WEEKS = Number(process.env.WEEKS ?? 6);
const ROUNDS = Number(process.env.ROUNDS ?? 7);
const HOURS = WEEKS * 168;
/** A Monday, 00:00 UTC. */
const FIRST = Date.UTC(2026, 9, 5) / 3_600_000;

function fill(file: string): number {
  Store.open(file).close();
  const db = new Database(file);
  const empty = Buffer.alloc(0);
  const put = db.prepare(
    `INSERT INTO rollups (hour, sensor, proto, port, events, syn_only, sources, targets, nets24, sources_sketch,
       targets_sketch, nets24_sketch, countries) VALUES (?, 's', ?, ?, ?, ?, 0, 0, 0, ?, ?, ?, '[[],[],""]')`,
  );
  const cover = db.prepare(`INSERT INTO sensor_coverage (hour, sensor, events) VALUES (?, 's', 1)`);
  const r = rng(42);
  let rows = 0;
  db.transaction(() => {
    for (let h = 0; h < HOURS; h++) cover.run(FIRST + h);
    for (let p = 0; p < PORTS; p++) {
      const proto = p % 5 === 0 ? 'udp' : 'tcp';
      // A few bursts in the last week, the one judged by default.
      const burst = HOURS - 168 + Math.floor(r() * 150);
      const x = traffic(r, randomPort(r), HOURS, (h) => (p % 50 === 0 && h >= burst && h < burst + 3 ? 4 : 1));
      for (let h = 0; h < HOURS; h++) {
        if (!x[h]) continue;
        put.run(FIRST + h, proto, 1000 + p, x[h]!, x[h]!, empty, empty, empty);
        rows++;
      }
    }
  })();
  db.close();
  return rows;
}

const PLAIN = `
const Database = require('better-sqlite3');
const db = new Database(process.argv[1], { readonly: true });
const sql = 'SELECT proto, port, hour, events FROM rollups WHERE hour BETWEEN ? AND ?';
const rows = db.prepare(sql).all(${FIRST}, ${FIRST + HOURS});
if (!rows.length) process.exit(1);
`;

/** Only the read detect makes, as the store makes it, and nothing done with it. */
const PACKED = `
const Database = require('better-sqlite3');
const db = new Database(process.argv[1], { readonly: true });
const sql = "SELECT hour, proto, string_agg(port || ',' || events || ',' || syn_only, ',') AS s FROM rollups " +
  'WHERE hour BETWEEN ? AND ? GROUP BY hour, proto';
let n = 0;
for (const r of db.prepare(sql).all(${FIRST}, ${FIRST + HOURS})) n += JSON.parse('[' + r.s + ']').length;
if (!n) process.exit(1);
`;

function time(args: string[], cwd: string): number {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, args, { cwd, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`node ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return ms;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

if (buildIsStale()) await buildCli();
const dir = mkdtempSync(join(tmpdir(), 'kansoku-bench-detect-'));
try {
  const file = join(dir, 'rollups.sqlite');
  const t0 = performance.now();
  const rows = fill(file);
  const wrote = ((performance.now() - t0) / 1000).toFixed(1);
  console.log(`${rows.toLocaleString('en-US')} rollups, ${PORTS} ports x ${WEEKS} weeks (${wrote} s to write)`);
  const until = new Date((FIRST + HOURS) * 3_600_000).toISOString();
  const detect = [bin, '--db', file, 'detect', '--json', '--until', until];
  const plain = ['-e', PLAIN, file];
  const packed = ['-e', PACKED, file];
  const out = spawnSync(process.execPath, detect, { cwd: root, encoding: 'utf8' });
  console.log(`anomalies found: ${(JSON.parse(out.stdout) as { anomalies: unknown[] }).anomalies.length}`);
  const ratios: number[] = [];
  const strict: number[] = [];
  const times = { detect: [] as number[], plain: [] as number[], packed: [] as number[] };
  for (let i = 0; i < ROUNDS; i++) {
    const p = time(plain, root);
    const k = time(packed, root);
    const d = time(detect, root);
    times.plain.push(p);
    times.packed.push(k);
    times.detect.push(d);
    ratios.push(d / p);
    strict.push(d / k);
  }
  const d = median(times.detect);
  const ratio = median(ratios);
  const s = (xs: number[]) => `${(median(xs) / 1000).toFixed(3)} s`;
  console.log(`plain SELECT of the same rows (whole process):   ${s(times.plain)}`);
  console.log(`detect's own packed read alone (whole process):  ${s(times.packed)}`);
  console.log(`kansoku detect --json (whole process):            ${s(times.detect)}`);
  console.log(
    `ratio ${ratio.toFixed(2)}x (median of ${ROUNDS} rounds; target <= 3x ${ratio <= 3 ? 'met' : 'NOT met'}), ` +
      `under 2 s ${d < 2000 ? 'met' : 'NOT met'}; ${median(strict).toFixed(2)}x its packed read alone`,
  );
} finally {
  if (!process.env.KEEP) rmSync(dir, { recursive: true, force: true });
  else console.log(dir);
}
