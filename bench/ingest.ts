/**
 * Counters ingest at sensor scale: N netfilter lines (default 1,000,000) end to end into stored
 * hourly rollups with distinct-source counting, against a plain read-and-split of the same file,
 * so that the ratio compares across machines; on SQLite and, when its server answers, PostgreSQL.
 * The netfilter byte scanner alone over the same file is measured too, to show what the counting
 * and storing add to reading.
 * Each measurement runs in a process of its own, so that its peak RSS is its own, and the fastest
 * of RUNS (default 3) is shown for each. Prints numbers; asserts nothing.
 *   npm run bench:ingest          N=200000 npm run bench:ingest
 *   KANSOKU_BENCH_PG=postgres://... npm run bench:ingest     (default: the test server of scripts/pg-stack.sh)
 *   N=20000000 RUNS=1 RAW=0 TAIL=0 npm run bench:ingest      (a 5 GB log: memory stays bounded)
 */
import { spawnSync } from 'node:child_process';
import { createReadStream, createWriteStream, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { once } from 'node:events';
import { importFile } from '../src/counters/import.ts';
import { fileChunks } from '../src/files.ts';
import { createLogger } from '../src/log.ts';
import { netfilter } from '../src/extract/formats/netfilter.ts';
import { LineClock, newPacketSlots } from '../src/extract/formats/scan.ts';
import { Store } from '../src/store/index.ts';

interface Measured {
  lines: number;
  seconds: number;
  rssMb: number;
}

/** The child's side: one measurement, printed as JSON. */
async function measure(kind: string, file: string, at: string): Promise<Measured> {
  const t0 = performance.now();
  let lines = 0;
  if (kind === 'split') {
    lines = readFileSync(file, 'latin1').split('\n').length - 1;
  } else if (kind === 'split-streamed') {
    // Past what one string can hold: the same, a megabyte at a time.
    let tail = '';
    for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20, encoding: 'latin1' })) {
      const parts = (tail + chunk).split('\n');
      tail = parts.pop()!;
      lines += parts.length;
    }
  } else if (kind === 'scan') {
    // The byte scanner alone over the same file, streamed as an import reads it: no hashing,
    // counting or storing (the "hand-written scanner over a Buffer").
    const clock = new LineClock({ reference: new Date(), zone: 'UTC' });
    const slots = newPacketSlots();
    const scan = netfilter.scan!;
    let rest: Buffer = Buffer.alloc(0);
    for await (const chunk of fileChunks(file, 0, statSync(file).size, 1 << 22)) {
      const buf = rest.length ? Buffer.concat([rest, chunk]) : chunk;
      let start = 0;
      for (let nl = buf.indexOf(10, start); nl >= 0; nl = buf.indexOf(10, start)) {
        if (scan(buf, start, nl, slots, clock)) lines++;
        start = nl + 1;
      }
      rest = Buffer.from(buf.subarray(start));
    }
  } else {
    const store = Store.open(at);
    const r = await importFile(
      store,
      file,
      { zone: 'UTC', maxLineChars: 4096, sensor: 'bench', keepRecent: kind === 'raw' },
      createLogger('silent'),
    );
    store.close();
    lines = r.parsed;
  }
  return { lines, seconds: (performance.now() - t0) / 1000, rssMb: process.resourceUsage().maxRSS / 1024 };
}

/**
 * A darknet's day: 200,000 scanners from everywhere, a few of them busy and most seen a handful
 * of times (a power law, as darknet telescopes report), a handful of popular ports, every line a
 * dropped SYN, timestamps to the millisecond as rsyslog writes them. With `tail`, that share of
 * the lines goes to any port at all, as a telescope also sees: many buckets of a packet or two.
 */
async function generate(file: string, n: number, tail = 0): Promise<void> {
  const out = createWriteStream(file);
  const start = Date.UTC(2026, 10, 20);
  let seed = 42;
  const rnd = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
  const scanners = Array.from(
    { length: 200_000 },
    () =>
      `${1 + Math.floor(rnd() * 222)}.${Math.floor(rnd() * 256)}.` +
      `${Math.floor(rnd() * 256)}.${1 + Math.floor(rnd() * 254)}`,
  );
  let chunk = '';
  for (let i = 0; i < n; i++) {
    const t = new Date(start + Math.floor((i / n) * 86_400_000)).toISOString().replace('Z', '+00:00');
    const src = scanners[Math.floor(rnd() ** 3 * scanners.length)]!;
    const dpt =
      rnd() < tail
        ? 1 + Math.floor(rnd() * 65535)
        : [23, 22, 445, 3389, 80, 443, 5000, 8080, 2323, 5060][Math.floor(rnd() ** 2 * 10)]!;
    chunk +=
      `${t} sensor1 kernel: [DARKNET] IN=eth1 OUT= MAC=00:16:3e:00:00:01:00:16:3e:00:00:02:08:00 ` +
      `SRC=${src} DST=198.51.100.${1 + Math.floor(rnd() * 254)} ` +
      `LEN=44 TOS=0x00 PREC=0x00 TTL=${40 + Math.floor(rnd() * 200)} ID=${Math.floor(rnd() * 65535)} ` +
      `PROTO=TCP SPT=${1024 + Math.floor(rnd() * 60000)} DPT=${dpt} ` +
      `WINDOW=1024 RES=0x00 SYN URGP=0\n`;
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  }
  out.end(chunk);
  await once(out, 'finish');
}

/** The fastest of `runs` measurements: this machine's speed, with its neighbours' noise left out. */
function best(runs: number, kind: string, file: string, at: string, before: () => void = () => undefined): Measured {
  let out: Measured | null = null;
  for (let i = 0; i < runs; i++) {
    before();
    const m = child(kind, file, at);
    if (!out || m.lines / m.seconds > out.lines / out.seconds) out = m;
  }
  return out!;
}

function child(kind: string, file: string, at: string): Measured {
  const r = spawnSync(
    process.execPath,
    ['--import', 'tsx', fileURLToPath(import.meta.url), 'measure', kind, file, at],
    { encoding: 'utf8', maxBuffer: 1 << 20 },
  );
  if (r.status !== 0) throw new Error(`${kind} on ${at}: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as Measured;
}

function pgReachable(url: string): boolean {
  try {
    Store.open(url).close();
    return true;
  } catch {
    return false;
  }
}

if (process.argv[2] === 'measure') {
  console.log(JSON.stringify(await measure(process.argv[3]!, process.argv[4]!, process.argv[5]!)));
} else {
  const N = Number(process.env.N ?? 1_000_000);
  const dir = mkdtempSync(join(tmpdir(), 'kansoku-ingest-'));
  const file = join(dir, 'fw.log');
  await generate(file, N);
  const mb = statSync(file).size / 1e6;
  const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
  const RUNS = Number(process.env.RUNS ?? 3);
  const streamed = mb > 1000;
  const split = best(RUNS, streamed ? 'split-streamed' : 'split', file, '');
  const splitRate = split.lines / split.seconds;
  console.log(
    `read-and-split${streamed ? ' (streamed)' : ''} of ${fmt(split.lines)} lines (${mb.toFixed(0)} MB): ` +
      `${fmt(splitRate)} lines/s, peak RSS ${split.rssMb.toFixed(0)} MB`,
  );
  const scanned = best(RUNS, 'scan', file, '');
  console.log(
    `netfilter byte scanner alone (read, split, scan): ${fmt(scanned.lines / scanned.seconds)} lines/s, ` +
      `${((scanned.lines / scanned.seconds / splitRate) * 100).toFixed(0)}% of read-and-split`,
  );
  const pg = process.env.KANSOKU_BENCH_PG ?? 'postgres://kansoku:secret@127.0.0.1:15432/kansoku';
  const stores: Array<[string, string]> = [['SQLite', join(dir, 'bench.sqlite')]];
  if (process.env.PG === '0') console.log('PostgreSQL left out (PG=0)');
  else if (pgReachable(pg)) stores.push(['PostgreSQL', pg]);
  else
    console.log(
      `PostgreSQL at ${pg.replace(/:[^:@/]*@/, ':***@')} does not answer; ` +
        'SQLite only (scripts/pg-stack.sh up starts one)',
    );
  for (const [name, at] of stores) {
    for (const [kind, label] of [
      ['rollups', 'rollups with distinct counts'],
      ['raw', 'rollups + raw events'],
    ] as const) {
      if (kind === 'raw' && process.env.RAW === '0') continue;
      const empty = () => {
        if (name === 'PostgreSQL') {
          const s = Store.open(at);
          s.counters.prune(Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
          s.counters.forgetImports();
          s.close();
        } else rmSync(at, { force: true });
      };
      // Raw events take long enough that one run says what there is to say.
      const m = best(kind === 'raw' ? 1 : RUNS, kind, file, at, empty);
      const rate = m.lines / m.seconds;
      console.log(
        `ingest into ${name}, ${label}: ${fmt(rate)} lines/s (${m.seconds.toFixed(2)} s), ` +
          `${((rate / splitRate) * 100).toFixed(0)}% of read-and-split, peak RSS ${m.rssMb.toFixed(0)} MB`,
      );
    }
  }
  // The long tail: 15% of the lines to random ports, thousands of small buckets an hour.
  if (process.env.TAIL !== '0') {
    const tailFile = join(dir, 'fw-tail.log');
    await generate(tailFile, N, 0.15);
    const at = join(dir, 'tail.sqlite');
    const m = best(1, 'rollups', tailFile, at, () => rmSync(at, { force: true }));
    const rate = m.lines / m.seconds;
    console.log(
      `ingest into SQLite, 15% of lines to random ports: ${fmt(rate)} lines/s (${m.seconds.toFixed(2)} s), ` +
        `${((rate / splitRate) * 100).toFixed(0)}% of read-and-split, peak RSS ${m.rssMb.toFixed(0)} MB`,
    );
  }
  rmSync(dir, { recursive: true, force: true });
}
