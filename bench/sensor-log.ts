/**
 * A darknet sensor's netfilter log for the counters benches, from a seeded generator so that every
 * run reads the same bytes, with the generator's own tally of what a store must then hold.
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { rng } from '../test/helpers/traffic.ts';

export interface LogShape {
  lines: number;
  days: number;
  /** Share of the lines that go to any port at all, as a telescope also sees. */
  randomShare: number;
  /** The log's last millisecond is just before this. */
  end: Date;
}

/** What the generator wrote, to check a store's rollups against. */
export interface Tally {
  lines: number;
  /** Events per bucket (`bucketKey`): the store must hold exactly these. */
  events: Map<number, number>;
  /** The exact distinct sources (scanner numbers) of every bucket in every SAMPLE_EVERY-th hour. */
  sources: Map<number, Set<number>>;
}

/** One number per (hour, proto, port), as a Map key. */
export const bucketKey = (hour: number, proto: string, port: number): number =>
  (hour * 2 + (proto === 'udp' ? 1 : 0)) * 65_536 + port;

/** Exact source sets are kept for one hour in this many: enough buckets, above and below the sketch threshold. */
const SAMPLE_EVERY = 7;

/**
 * 50 ports, most popular first: the head of a darknet's day (telnet, SSH, SMB, RDP, web), then
 * IoT and database ports, with the usual UDP reflectors among them.
 */
export const PORTS: ReadonlyArray<readonly ['tcp' | 'udp', number]> = (
  'tcp/23 tcp/22 tcp/445 tcp/3389 tcp/80 udp/53 tcp/443 tcp/8080 tcp/2323 tcp/5000 udp/123 tcp/6379 tcp/1433 ' +
  'tcp/3306 tcp/5900 udp/161 tcp/8443 tcp/81 tcp/8081 tcp/21 tcp/25 udp/1900 tcp/110 tcp/143 tcp/135 tcp/139 ' +
  'udp/5060 tcp/5555 tcp/7547 tcp/37215 tcp/52869 tcp/9200 tcp/27017 udp/11211 tcp/2375 tcp/8888 tcp/5432 ' +
  'tcp/9000 tcp/10000 tcp/49152 tcp/8291 udp/137 tcp/60001 tcp/8000 udp/389 tcp/88 tcp/4567 tcp/1723 tcp/502 tcp/102'
)
  .split(' ')
  .map((s) => {
    const [proto, port] = s.split('/');
    return [proto as 'tcp' | 'udp', Number(port)] as const;
  });

/**
 * Writes `shape.lines` lines spread evenly over `shape.days` up to `shape.end`: 200,000 scanners,
 * a few busy and most seen a handful of times (a power law, as darknet telescopes report); the
 * port's rank drawn with a heavy head (the first port takes about a quarter of the lines, the
 * first five almost half); TCP lines dropped SYNs, timestamps to the millisecond as rsyslog
 * writes them.
 */
export async function writeSensorLog(file: string, shape: LogShape): Promise<Tally> {
  const rnd = rng(42);
  const int = (n: number) => Math.floor(rnd() * n);
  const scanners = Array.from({ length: 200_000 }, () => `${1 + int(222)}.${int(256)}.${int(256)}.${1 + int(254)}`);
  const span = shape.days * 86_400_000;
  const start = shape.end.getTime() - span;
  const tally: Tally = { lines: shape.lines, events: new Map(), sources: new Map() };
  const out = createWriteStream(file);
  let chunk = '';
  for (let i = 0; i < shape.lines; i++) {
    const ms = start + Math.floor((i / shape.lines) * span);
    const scanner = Math.floor(rnd() ** 3 * scanners.length);
    const named = rnd() >= shape.randomShare;
    const [proto, port] = named ? PORTS[Math.floor(rnd() ** 3 * PORTS.length)]! : (['tcp', 1 + int(65535)] as const);
    const hour = Math.floor(ms / 3_600_000);
    const key = bucketKey(hour, proto, port);
    tally.events.set(key, (tally.events.get(key) ?? 0) + 1);
    if (hour % SAMPLE_EVERY === 0) {
      let set = tally.sources.get(key);
      if (!set) tally.sources.set(key, (set = new Set()));
      set.add(scanner);
    }
    const head =
      `${new Date(ms).toISOString().replace('Z', '+00:00')} sensor1 kernel: [DARKNET] IN=eth1 OUT= ` +
      `MAC=00:16:3e:00:00:01:00:16:3e:00:00:02:08:00 SRC=${scanners[scanner]} DST=198.51.100.${1 + int(254)} `;
    chunk +=
      proto === 'tcp'
        ? `${head}LEN=44 TOS=0x00 PREC=0x00 TTL=${40 + int(200)} ID=${int(65535)} PROTO=TCP ` +
          `SPT=${1024 + int(60000)} DPT=${port} WINDOW=1024 RES=0x00 SYN URGP=0\n`
        : `${head}LEN=${40 + int(60)} TOS=0x00 PREC=0x00 TTL=${40 + int(200)} ID=${int(65535)} PROTO=UDP ` +
          `SPT=${1024 + int(60000)} DPT=${port} LEN=${20 + int(60)}\n`;
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  }
  out.end(chunk);
  await once(out, 'finish');
  return tally;
}
