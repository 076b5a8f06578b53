/**
 * Counters ingest at sensor scale: N netfilter lines (default 1,000,000) end to end into stored
 * hourly rollups with distinct-source counting, against a plain read-and-split of the same file,
 * so that the ratio compares across machines. Prints numbers; asserts nothing.
 *   npm run bench:ingest            N=200000 npm run bench:ingest
 */
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importFile } from '../src/counters/import.ts';
import { createLogger } from '../src/log.ts';
import { Store } from '../src/store/index.ts';

const N = Number(process.env.N ?? 1_000_000);
const dir = mkdtempSync(join(tmpdir(), 'kansoku-ingest-'));
const file = join(dir, 'fw.log');

// A darknet's day: a few thousand scanners, a few hundred ports, every line a dropped packet.
const start = Date.UTC(2026, 10, 20);
const lines: string[] = [];
let seed = 42;
const rnd = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
for (let i = 0; i < N; i++) {
  const t = new Date(start + Math.floor((i / N) * 86_400_000)).toISOString();
  const src = `${1 + Math.floor(rnd() * 222)}.${Math.floor(rnd() * 256)}.${Math.floor(rnd() * 256)}.${1 + Math.floor(rnd() * 254)}`;
  const dpt = [23, 22, 445, 3389, 80, 443, 5000, 8080, 2323, 5060][Math.floor(rnd() ** 2 * 10)]!;
  lines.push(
    `${t} sensor kernel: [DARKNET] IN=eth1 OUT= SRC=${src} DST=198.51.100.${1 + Math.floor(rnd() * 254)} LEN=44 TOS=0x00 PREC=0x00 TTL=${40 + Math.floor(rnd() * 200)} ID=${Math.floor(rnd() * 65535)} PROTO=TCP SPT=${1024 + Math.floor(rnd() * 60000)} DPT=${dpt} WINDOW=1024 RES=0x00 SYN URGP=0`,
  );
}
writeFileSync(file, lines.join('\n') + '\n');
lines.length = 0;
const mb = statSync(file).size / 1e6;

let t0 = performance.now();
const count = readFileSync(file, 'latin1').split('\n').length - 1;
const splitRate = count / ((performance.now() - t0) / 1000);

for (const [label, keepRecent] of [['rollups + raw events', true], ['rollups only', false]] as const) {
  const store = Store.open(join(dir, `k-${keepRecent}.sqlite`));
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
  t0 = performance.now();
  const r = await importFile(store, file, { zone: 'UTC', maxLineChars: 4096, sensor: 'bench', keepRecent }, createLogger('silent'));
  const ms = performance.now() - t0;
  clearInterval(timer);
  peak = Math.max(peak, process.memoryUsage().rss);
  store.close();
  const rate = r.parsed / (ms / 1000);
  console.log(
    `ingest ${r.parsed.toLocaleString('en-US')} netfilter lines (${mb.toFixed(0)} MB), ${label}: ${Math.round(rate).toLocaleString('en-US')} lines/s, ` +
      `${((rate / splitRate) * 100).toFixed(1)}% of read-and-split (${Math.round(splitRate).toLocaleString('en-US')} lines/s), peak RSS ${(peak / 1e6).toFixed(0)} MB`,
  );
}
rmSync(dir, { recursive: true, force: true });
