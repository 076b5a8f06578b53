import { appendFileSync, renameSync, writeFileSync } from 'node:fs';
import { createSocket } from 'node:dgram';
import { connect } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileFollower, listenSyslog, LiveIngest, syslogPayload } from '../../src/counters/live.ts';
import { series } from '../../src/counters/rollups.ts';
import { hourOf } from '../../src/time.ts';
import { createLogger } from '../../src/log.ts';
import { type Store } from '../../src/store/index.ts';
import { scratch } from '../helpers/cli.ts';
import { openTestStore } from '../helpers/store.ts';

const log = createLogger('silent');
const opts = { zone: 'UTC', maxLineChars: 4096, sensor: 'live', keepRecent: true };
const line = (i: number, port = 5000) =>
  `2026-11-20T00:00:${String(i % 60).padStart(2, '0')}Z fw kernel: DROP IN=eth0 OUT= ` +
  `SRC=192.0.2.${i % 250} DST=198.51.100.1 LEN=40 PROTO=TCP SPT=4000 DPT=${port} WINDOW=1 ` +
  'RES=0x00 SYN URGP=0';
const h0 = hourOf('2026-11-20T00:00:00Z');
const events = (s: Store, port = 5000) => series(s.counters, 'tcp', port, h0, h0)[0]?.events ?? 0;

describe('following a log file', () => {
  it('reads what is appended and goes on across a rotation, starting at the end', () => {
    const dir = scratch();
    const file = join(dir, 'fw.log');
    writeFileSync(file, `${line(0)}\n`);
    const store = openTestStore();
    const live = new LiveIngest(store, opts, log, 0);
    const f = new FileFollower(file, live, log);
    appendFileSync(file, `${line(1)}\n${line(2)}\n${line(3).slice(0, 30)}`);
    f.poll();
    appendFileSync(file, `${line(3).slice(30)}\n`);
    f.poll();
    renameSync(file, `${file}.1`);
    writeFileSync(file, `${line(4)}\n${line(5)}\n`);
    f.poll();
    f.close();
    live.close();
    // The line that was there before following began is not read; the split one is read once.
    expect(events(store)).toBe(5);
    expect(live.lines).toBe(5);
  });
});

describe('the syslog listener', () => {
  it('takes RFC 3164 over UDP and RFC 5424 over TCP, newline-framed and octet-counted', async () => {
    const store = openTestStore();
    const live = new LiveIngest(store, opts, log, 0);
    const l = await listenSyslog(live, { host: '127.0.0.1', udpPort: 0, tcpPort: 0 }, log);
    const udp = createSocket('udp4');
    await new Promise<void>((r) =>
      udp.send(`<4>${line(1).replace(/^\S+ /, 'Nov 20 00:00:01 ')}`, l.udpPort!, '127.0.0.1', () => r()),
    );
    udp.close();
    const m5424 =
      '<4>1 2026-11-20T00:00:02Z fw kernel - - - DROP IN=eth0 OUT= SRC=192.0.2.9 DST=198.51.100.1 ' +
      'LEN=40 PROTO=TCP SPT=1 DPT=5000 WINDOW=1 RES=0x00 SYN URGP=0';
    const framed = `${Buffer.byteLength(m5424)} ${m5424}`;
    await new Promise<void>((r) => {
      const c = connect(l.tcpPort!, '127.0.0.1', () => c.end(`${m5424}\n${framed}`, r));
    });
    await new Promise((r) => setTimeout(r, 300));
    await l.close();
    live.close();
    expect(live.lines).toBe(3);
    expect(
      series(store.counters, 'tcp', 5000, hourOf('2026-11-20T00:00:00Z'), hourOf('2026-11-20T00:00:00Z'))[0]!.events,
    ).toBe(3);
  });

  it('hands the parsers an RFC 5424 message with its timestamp first', () => {
    expect(syslogPayload('<14>1 2026-11-20T00:00:02Z fw app - - - hello')).toBe(
      '<14>2026-11-20T00:00:02Z fw app - - - hello',
    );
    expect(syslogPayload('<14>Nov 20 00:00:02 fw app: hello')).toBe('<14>Nov 20 00:00:02 fw app: hello');
  });
});
