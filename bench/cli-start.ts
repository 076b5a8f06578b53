/**
 * How long the CLI takes as a whole process, against `node -e 0` in the same run: `kansoku
 * --help`, `kansoku extract POST --json` and `kansoku correlate POST --json` on the demo post
 * (correlate on a store where the demo was run, and on an empty one). The commands run in turn,
 * round after round, so that a machine that speeds up or slows down affects them alike; each
 * round's ratio to `node -e 0` is taken, and the median over the rounds is printed against the
 * target. It asserts nothing. Run with `npm run bench:cli [-- ROUNDS]` (default 15).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { buildCli, buildIsStale } from '../scripts/build.ts';

const root = resolve(import.meta.dirname, '..');
const bin = join(root, 'bin', 'kansoku.js');
const post = join(root, 'fixtures', 'demo', 'maildir', 'cur', '1763601300.M1P100.demo:2,S');
const rounds = Number(process.argv[2] ?? 15);

interface Case {
  label: string;
  args: string[];
  /** At most this many times the wall time of `node -e 0`. */
  target?: number;
}

function run(args: string[], cwd: string): number {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, args, { cwd, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`node ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return ms;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

if (buildIsStale()) await buildCli();
const cwd = mkdtempSync(join(tmpdir(), 'kansoku-bench-'));
try {
  // The demo store: what `npm start` leaves; and an empty store, created once before timing.
  run([bin, 'run'], cwd);
  const demoDb = join(cwd, 'kansoku.sqlite');
  const emptyDb = join(cwd, 'empty.sqlite');
  run([bin, '--db', emptyDb, 'counters', 'status'], cwd);

  const cases: Case[] = [
    { label: 'node -e 0', args: ['-e', '0'] },
    { label: 'kansoku --help', args: [bin, '--help'], target: 3 },
    { label: 'kansoku extract POST --json', args: [bin, 'extract', post, '--json'], target: 3 },
    {
      label: 'kansoku correlate POST --json (demo store)',
      args: [bin, 'correlate', post, '--json', '--db', demoDb],
      target: 4,
    },
    {
      label: 'kansoku correlate POST --json (empty store)',
      args: [bin, 'correlate', post, '--json', '--db', emptyDb],
      target: 4,
    },
  ];
  for (const c of cases) run(c.args, cwd); // warm the file cache
  const times = cases.map(() => [] as number[]);
  for (let i = 0; i < rounds; i++) cases.forEach((c, j) => times[j]!.push(run(c.args, cwd)));

  const base = times[0]!;
  console.log(`${rounds} rounds, wall time of whole processes (ms): median [min .. max]; ratio to node -e 0`);
  cases.forEach((c, j) => {
    const t = times[j]!;
    const ratio = median(t.map((ms, i) => ms / base[i]!));
    const verdict = c.target === undefined ? '' : `  target <= ${c.target}x: ${ratio <= c.target ? 'met' : 'NOT met'}`;
    console.log(
      `${c.label.padEnd(44)} ${median(t).toFixed(0).padStart(5)} [${Math.min(...t).toFixed(0)} .. ` +
        `${Math.max(...t).toFixed(0)}]`.padEnd(16) +
        (j ? `  ${ratio.toFixed(2)}x${verdict}` : ''),
    );
  });
} finally {
  rmSync(cwd, { recursive: true, force: true });
}
