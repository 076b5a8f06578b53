/**
 * Writes fixtures/demo/sensor.log: eight days of a small darknet sensor's netfilter log, with
 * 5000/tcp rising sharply from 2026-11-19 18:00 UTC, 5060/udp steady, a three-hour outage on
 * 2026-11-17, and 2375/tcp (the Docker API) waking up on 2026-11-20 at 08:00 UTC, driven by
 * Mirai-like bots in the Netherlands and Bulgaria (TCP sequence number = destination address), that
 * nobody on the list has posted about: the bot's own advisory. Deterministic (seeded PRNG), so
 * the committed file can be regenerated exactly:
 *   npx tsx scripts/make-demo-sensor-log.ts > fixtures/demo/sensor.log
 */

function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a |= 0;
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const rnd = mulberry32(20261121);
const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));

function poisson(mean: number): number {
  const l = Math.exp(-mean);
  let k = 0;
  let p = 1;
  do {
    k++;
    p *= rnd();
  } while (p > l);
  return k - 1;
}

/** Scanner addresses: random public unicast, private and reserved ranges avoided. */
function publicAddr(): string {
  for (;;) {
    const a = int(1, 223);
    if ([10, 100, 127, 169, 172, 192, 198, 203].includes(a)) continue;
    return `${a}.${int(0, 255)}.${int(0, 255)}.${int(1, 254)}`;
  }
}

const pool = Array.from({ length: 400 }, publicAddr);
/** The two sources the demo's tcp/5000 post quotes; our sensor sees them too. */
const quoted = ['220.192.110.239', '80.136.229.69'];

const START = Date.UTC(2026, 10, 13, 0);
const END = Date.UTC(2026, 10, 21, 0);
const OUTAGE = [Date.UTC(2026, 10, 17, 2), Date.UTC(2026, 10, 17, 5)];
const SURGE = Date.UTC(2026, 10, 19, 18);

interface Stream {
  proto: 'TCP' | 'UDP';
  port: number;
  rate: (hour: number) => number;
  src: () => string;
}

const streams: Stream[] = [
  { proto: 'TCP', port: 23, rate: () => 14, src: () => pool[int(0, pool.length - 1)]! },
  { proto: 'TCP', port: 22, rate: () => 9, src: () => pool[int(0, 120)]! },
  { proto: 'TCP', port: 445, rate: () => 6, src: () => pool[int(0, pool.length - 1)]! },
  { proto: 'TCP', port: 3389, rate: () => 3, src: () => pool[int(200, 260)]! },
  { proto: 'UDP', port: 5060, rate: () => 6, src: () => pool[int(100, 180)]! },
  { proto: 'UDP', port: 123, rate: () => 2, src: () => pool[int(0, pool.length - 1)]! },
  {
    proto: 'TCP',
    port: 5000,
    rate: (h) => (h < SURGE ? 2 : 35 + Math.min(15, (h - SURGE) / 3_600_000)),
    src: () => (rnd() < 0.05 ? quoted[int(0, 1)]! : publicAddr()),
  },
];

const lines: Array<[number, string]> = [];
for (let h = START; h < END; h += 3_600_000) {
  if (h >= OUTAGE[0]! && h < OUTAGE[1]!) continue;
  for (const s of streams) {
    const n = poisson(s.rate(h));
    for (let i = 0; i < n; i++) {
      const t = h + int(0, 3_599_999);
      const ts = new Date(t).toISOString().replace('Z', '+00:00');
      // The 5000/tcp surge targets one address per /24, as the report describes.
      const dst = s.port === 5000 && h >= SURGE ? '198.51.100.50' : `198.51.100.${int(1, 254)}`;
      const tcp = s.proto === 'TCP' ? ` WINDOW=${int(1024, 65535)} RES=0x00 SYN URGP=0` : ` LEN=${int(20, 120)}`;
      lines.push([
        t,
        `${ts} sensor1 kernel: [DARKNET] IN=eth1 OUT= SRC=${s.src()} DST=${dst} ` +
          `LEN=44 TOS=0x00 PREC=0x00 TTL=${int(30, 250)} ID=${int(1, 65535)} ` +
          `PROTO=${s.proto} SPT=${int(1024, 65535)} DPT=${s.port}${tcp}`,
      ]);
    }
  }
}
// The Docker API wakes up: drawn from a generator of its own, so that the lines above stay as they were.
const rnd2 = mulberry32(20261120);
const int2 = (lo: number, hi: number) => lo + Math.floor(rnd2() * (hi - lo + 1));
const WAKE = Date.UTC(2026, 10, 20, 8);
const bots = Array.from({ length: 90 }, (_, i) =>
  i % 3 === 2 ? `91.92.${int2(240, 255)}.${int2(1, 254)}` : `45.148.10.${int2(1, 254)}`,
);
for (let h = START; h < END; h += 3_600_000) {
  if (h >= OUTAGE[0]! && h < OUTAGE[1]!) continue;
  // A stray probe now and then before, then dozens an hour.
  const n = h < WAKE ? (rnd2() < 0.05 ? 1 : 0) : 30 + int2(0, 25);
  for (let i = 0; i < n; i++) {
    const t = h + int2(0, 3_599_999);
    const ts = new Date(t).toISOString().replace('Z', '+00:00');
    const last = int2(1, 254);
    const seq = ((198 << 24) >>> 0) + (51 << 16) + (100 << 8) + last;
    const src = h < WAKE ? publicAddr() : bots[int2(0, bots.length - 1)]!;
    lines.push([
      t,
      `${ts} sensor1 kernel: [DARKNET] IN=eth1 OUT= SRC=${src} DST=198.51.100.${last} ` +
        `LEN=44 TOS=0x00 PREC=0x00 TTL=${int2(30, 250)} ID=${int2(1, 65535)} ` +
        `PROTO=TCP SPT=${int2(1024, 65535)} DPT=2375 SEQ=${seq} ACK=0 WINDOW=${int2(1024, 65535)} RES=0x00 SYN URGP=0`,
    ]);
  }
}
lines.sort((a, b) => a[0] - b[0]);
process.stdout.write(lines.map(([, l]) => l).join('\n') + '\n');
