import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { createServer, type Server } from 'node:net';
import type { LogFormat } from '../extract/formats/registry.ts';
import { parseRecord, readHeader, type Headers } from '../extract/loglines.ts';
import type { Logger } from '../log.ts';
import type { Store } from '../store/index.ts';
import { HourlyRollup } from './ingest.ts';
import { rollupCodec } from './rollups.ts';

export interface LiveOptions {
  zone: string;
  maxLineChars: number;
  sensor: string;
  keepRecent: boolean;
  countryDb?: string | null;
}

/**
 * Lines that keep coming (a followed file, a syslog listener) rolled up in memory and written to
 * the store every few seconds as one batch, merged with what the store holds for those hours.
 */
export class LiveIngest {
  private rollup: HourlyRollup;
  private hint: LogFormat | undefined;
  private readonly headers: Headers = new Map();
  private timer: NodeJS.Timeout | null = null;
  /** Year inference needs only "about now": renewed at each flush, not built for every line. */
  private time: { reference: Date; zone: string };
  lines = 0;

  constructor(
    private readonly store: Pick<Store, 'counters'>,
    private readonly opts: LiveOptions,
    private readonly log: Logger,
    flushMs = 5000,
  ) {
    this.rollup = new HourlyRollup(opts.sensor, opts.keepRecent, opts.countryDb);
    this.time = { reference: new Date(), zone: opts.zone };
    if (flushMs > 0) this.timer = setInterval(() => this.flush(), flushMs);
  }

  line(text: string): void {
    this.lines++;
    if (!text || text.length > this.opts.maxLineChars) return;
    if (readHeader(text, this.headers)) return;
    const r = parseRecord(text, this.time, this.hint, this.headers);
    if (!r) {
      this.rollup.skipped++;
      return;
    }
    this.hint = r.format;
    this.rollup.add(r.event);
  }

  flush(): void {
    this.time = { reference: new Date(), zone: this.opts.zone };
    const r = this.rollup;
    if (r.parsed === 0 && r.skipped === 0) return;
    this.rollup = new HourlyRollup(this.opts.sensor, this.opts.keepRecent, this.opts.countryDb);
    try {
      this.store.counters.addBatch(
        { buckets: r.bucketList, coverage: r.coverage, recent: r.recent },
        null,
        rollupCodec,
      );
      this.log.info({ sensor: this.opts.sensor, parsed: r.parsed, skipped: r.skipped }, 'live counters flushed');
    } catch (err) {
      this.log.error({ err: (err as Error).message }, 'live counters could not be stored; this batch is lost');
    }
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.flush();
  }
}

/**
 * Follows a log file like `tail -F`: reads what is appended, and when the file is rotated (a new
 * inode, or a file shorter than what was read) finishes the old one and starts the new one from
 * its beginning. Starts at the current end unless `fromStart`.
 */
export class FileFollower {
  private fd: number | null = null;
  private ino = 0;
  private pos = 0;
  private partial = '';
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly path: string,
    private readonly live: LiveIngest,
    private readonly log: Logger,
    fromStart = false,
  ) {
    this.open(fromStart);
  }

  private open(fromStart: boolean): void {
    try {
      const st = statSync(this.path);
      this.fd = openSync(this.path, 'r');
      this.ino = st.ino;
      this.pos = fromStart ? 0 : st.size;
    } catch (err) {
      this.fd = null;
      this.log.warn({ file: this.path, err: (err as Error).message }, 'followed file not there (yet)');
    }
  }

  start(pollMs = 1000): void {
    this.timer ??= setInterval(() => this.poll(), pollMs);
  }

  /** Reads whatever is new; called on a timer, or directly. */
  poll(): void {
    let st;
    try {
      st = statSync(this.path);
    } catch {
      return;
    }
    if (this.fd === null) {
      this.open(true);
      if (this.fd === null) return;
    }
    const rotated = st.ino !== this.ino || st.size < this.pos;
    this.drain();
    if (rotated) {
      if (this.partial) this.live.line(this.partial);
      this.partial = '';
      closeSync(this.fd!);
      this.log.info({ file: this.path }, 'followed file rotated; reading the new one');
      this.open(true);
      this.drain();
    }
  }

  private drain(): void {
    if (this.fd === null) return;
    const buf = Buffer.alloc(1 << 16);
    for (;;) {
      const n = readSync(this.fd, buf, 0, buf.length, this.pos);
      if (n <= 0) break;
      this.pos += n;
      const text = this.partial + buf.subarray(0, n).toString('utf8');
      const lines = text.split('\n');
      this.partial = lines.pop()!;
      for (const l of lines) this.live.line(l.replace(/\r$/, ''));
    }
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}

/**
 * The syslog message for the format parsers: RFC 5424's version number removed, so that the
 * timestamp follows the priority as in RFC 3164; the rest (structured data included, where Juniper
 * puts its fields) is left as it is.
 */
export function syslogPayload(msg: string): string {
  return msg.replace(/^<(\d{1,3})>1 /, '<$1>');
}

export interface SyslogListener {
  udpPort: number | null;
  tcpPort: number | null;
  close(): Promise<void>;
}

/** A syslog receiver on UDP and/or TCP (RFC 3164 and 5424; TCP framed by newline or octet count, RFC 6587). */
export async function listenSyslog(
  live: LiveIngest,
  o: { host: string; udpPort?: number; tcpPort?: number },
  log: Logger,
): Promise<SyslogListener> {
  let udp: UdpSocket | null = null;
  let tcp: Server | null = null;
  if (o.udpPort !== undefined) {
    const sock = createSocket(o.host.includes(':') ? 'udp6' : 'udp4');
    sock.on('message', (b) => {
      for (const m of b.toString('utf8').split('\n')) if (m.trim()) live.line(syslogPayload(m.replace(/\r$/, '')));
    });
    sock.on('error', (err) => log.warn({ err: err.message }, 'syslog UDP error'));
    await new Promise<void>((r) => sock.bind(o.udpPort, o.host, r));
    udp = sock;
  }
  if (o.tcpPort !== undefined) {
    tcp = createServer((c) => {
      let pending = '';
      c.on('data', (chunk: Buffer) => {
        pending += chunk.toString('utf8');
        for (;;) {
          // Octet counting: "LEN <PRI>..." carries its own length; otherwise a newline ends a message.
          const oc = /^(\d{1,6}) </.exec(pending);
          if (oc) {
            const len = Number(oc[1]);
            const body = pending.slice(oc[1]!.length + 1);
            if (Buffer.byteLength(body) < len) break;
            const msg = Buffer.from(body).subarray(0, len).toString('utf8');
            pending = Buffer.from(body).subarray(len).toString('utf8').replace(/^\n/, '');
            live.line(syslogPayload(msg));
            continue;
          }
          const nl = pending.indexOf('\n');
          if (nl < 0) break;
          const msg = pending.slice(0, nl).replace(/\r$/, '');
          pending = pending.slice(nl + 1);
          if (msg.trim()) live.line(syslogPayload(msg));
        }
        // A peer that never sends a newline cannot make us hold an unbounded buffer.
        if (pending.length > 64 * 1024) pending = '';
      });
      c.on('error', () => undefined);
    });
    await new Promise<void>((r) => tcp!.listen(o.tcpPort, o.host, r));
  }
  const addr = (s: { address(): unknown } | null) => {
    const a = s?.address() as { port?: number } | null | undefined;
    return a?.port ?? null;
  };
  return {
    udpPort: addr(udp),
    tcpPort: addr(tcp),
    async close() {
      if (udp) udp.close();
      if (tcp) await new Promise<void>((r) => tcp!.close(() => r()));
    },
  };
}
