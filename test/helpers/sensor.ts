import { Readable } from 'node:stream';
import { importStream } from '../../src/counters/import.ts';
import { createLogger } from '../../src/log.ts';
import { type Store } from '../../src/store/index.ts';
import { openTestStore } from './store.ts';

const H = 3_600_000;

/** Netfilter lines for `perHour(hourIndex)` events to `port` per hour, from `start`, skipping `gaps`. */
export function sensorLines(opts: {
  start: string;
  hours: number;
  port: number;
  proto?: 'TCP' | 'UDP';
  perHour: (h: number) => number;
  gaps?: number[];
  src?: (h: number, i: number) => string;
  background?: boolean;
  /** Spread each hour's events evenly over the hour, rather than one a second from its start. */
  spread?: boolean;
  /** Only the lines before this time: the log as a live sensor has written it so far. */
  until?: string;
}): string[] {
  const lines: string[] = [];
  const t0 = Date.parse(opts.start);
  for (let h = 0; h < opts.hours; h++) {
    if (opts.gaps?.includes(h)) continue;
    const n = opts.perHour(h);
    // A sensor always sees some background, so an hour without lines is a gap, not a zero.
    const bg = opts.background === false ? 0 : 1;
    for (let i = 0; i < n + bg; i++) {
      const t = t0 + h * H + (opts.spread ? Math.floor((i * H) / (n + bg)) : i * 1000);
      if (opts.until !== undefined && t >= Date.parse(opts.until)) break;
      const ts = new Date(t).toISOString();
      const port = i < n ? opts.port : 23;
      const proto = i < n ? (opts.proto ?? 'TCP') : 'TCP';
      const src = opts.src ? opts.src(h, i) : `192.0.2.${(i % 250) + 1}`;
      lines.push(
        `${ts} s kernel: DROP IN=eth0 OUT= SRC=${src} DST=198.51.100.${(i % 200) + 1} LEN=40 ` +
          `PROTO=${proto} SPT=${40000 + i} DPT=${port}` +
          (proto === 'TCP' ? ' WINDOW=1024 RES=0x00 SYN URGP=0' : ' LEN=20'),
      );
    }
  }
  return lines;
}

export async function storeWith(lines: string[]): Promise<Store> {
  const store = openTestStore();
  await importStream(
    store,
    'test',
    Readable.from([lines.join('\n') + '\n']),
    { zone: 'UTC', maxLineChars: 4096, sensor: 'test', keepRecent: true },
    createLogger('silent'),
  );
  return store;
}

/** A store whose sensor saw tcp/5000 at 3 events an hour, then at 50 from 2026-11-20T00:00Z on. */
export function risingSensor(): Promise<Store> {
  return storeWith(
    sensorLines({ start: '2026-11-15T00:00:00Z', hours: 140, port: 5000, perHour: (h) => (h < 120 ? 3 : 50) }),
  );
}
