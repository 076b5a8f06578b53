import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HourlyRollup, ingestStream } from '../../src/counters/ingest.ts';
import { netfilter } from '../../src/extract/formats/netfilter.ts';
import { flagLetters, LineClock, newPacketSlots, PROTO_NAMES } from '../../src/extract/formats/scan.ts';
import { dotted } from '../../src/net/ipv4.ts';
import { parseRecord } from '../../src/extract/loglines.ts';
import { describeShared, fixture, shared } from '../helpers/paths.ts';
import type { NewRecentEvent } from '../../src/store/index.ts';

const time = { reference: new Date('2026-11-21T00:00:00Z'), zone: 'UTC' };

/** What `scan` read from a line, in `parse`'s terms; null when it left the line to `parse`. */
function scanned(line: string, clock = new LineClock(time)) {
  const s = newPacketSlots();
  const buf = Buffer.from(line, 'utf8');
  if (!netfilter.scan!(buf, 0, buf.length, s, clock)) return null;
  const icmp = PROTO_NAMES[s.proto] === 'icmp';
  return {
    ts: new Date(s.ms).toISOString().replace('.000Z', 'Z'),
    src: dotted(s.src),
    dst: dotted(s.dst),
    spt: icmp ? null : s.spt,
    dpt: icmp ? null : s.dpt,
    proto: PROTO_NAMES[s.proto],
    flags: PROTO_NAMES[s.proto] === 'tcp' ? flagLetters(s.flags) : null,
    ttl: s.ttl < 0 ? undefined : s.ttl,
    ipId: s.ipId < 0 ? undefined : s.ipId,
    seq: s.seq < 0 ? undefined : s.seq,
  };
}

function parsed(line: string) {
  const e = netfilter.sniff(line) ? netfilter.parse(line, time) : null;
  if (!e) return null;
  return {
    ts: e.ts,
    src: e.src,
    dst: e.dst,
    spt: e.spt,
    dpt: e.dpt,
    proto: e.proto,
    flags: e.flags,
    ttl: e.ttl,
    ipId: e.ipId,
    seq: e.seq,
  };
}

const fixtureLines = (
  JSON.parse(readFileSync(fixture('formats', 'netfilter', 'cases.json'), 'utf8')) as Array<{ text: string }>
).map((c) => c.text);
/** The netfilter lines of a sample file in the corpus's shape. */
const netfilterSamples = (path: string) =>
  (JSON.parse(readFileSync(path, 'utf8')) as Array<{ format: string; line: string }>)
    .filter((s) => s.format.startsWith('netfilter'))
    .map((s) => s.line);
const sampleLines = netfilterSamples(fixture('samples', 'logformats.json'));
const demoLines = readFileSync(fixture('demo', 'sensor.log'), 'utf8').trim().split('\n');

const base =
  '2026-11-20T00:41:07.123456+09:00 edge kernel: [DROP] IN=eth0 OUT= ' +
  'MAC=00:16:3e:00:00:01:00:16:3e:00:00:02:08:00 SRC=220.192.110.239 DST=192.0.2.50 LEN=44 ' +
  'TOS=0x00 PREC=0x00 TTL=241 ID=54321 PROTO=TCP SPT=4117 DPT=5000 WINDOW=1024 RES=0x00 SYN URGP=0';
/** Lines the scanner must read exactly as `parse` does, or leave to it. */
const variants = [
  base,
  base.replace('.123456+09:00', 'Z'),
  base.replace('.123456+09:00', '.9996Z'),
  base.replace('2026-11-20T00:41:07.123456+09:00', 'Nov 20 00:41:07'),
  base.replace('2026-11-20T00:41:07.123456+09:00', '<4>Nov  2 00:41:07'),
  base.replace('2026-11-20T00:41:07.123456+09:00', '2026-11-20 00:41:07'),
  base.replace('2026-11-20T00:41:07.123456+09:00', '2026-11-20T00:41:07'),
  base.replace('SYN URGP', 'ACK PSH URGP'),
  base.replace('SYN URGP', 'CWR ECE SYN URGP'),
  base.replace('RES=0x00 SYN URGP=0', 'RES=0x00 URGP=0'),
  base.replace(' WINDOW=1024 RES=0x00 SYN URGP=0', ''),
  base.replace('PROTO=TCP SPT=4117 DPT=5000 WINDOW=1024 RES=0x00 SYN URGP=0', 'PROTO=UDP SPT=5060 DPT=5060 LEN=420'),
  base.replace('PROTO=TCP SPT=4117 DPT=5000 WINDOW=1024 RES=0x00 SYN URGP=0', 'PROTO=ICMP TYPE=8 CODE=0 ID=77 SEQ=1'),
  base.replace(
    'PROTO=TCP SPT=4117 DPT=5000 WINDOW=1024 RES=0x00 SYN URGP=0',
    'PROTO=ICMP TYPE=3 CODE=3 [SRC=192.0.2.50 DST=220.192.110.239 LEN=44 PROTO=UDP SPT=53 DPT=4117 ]',
  ),
  base.replace('PROTO=TCP', 'PROTO=tcp'),
  base.replace('PROTO=TCP', 'PROTO=6'),
  base.replace('PROTO=TCP', 'PROTO=SCTP'),
  base.replace('SRC=220.192.110.239', 'SRC=2001:db8::1'),
  base.replace('SRC=220.192.110.239', 'SRC=220.192.110.x'),
  base.replace('SRC=220.192.110.239', 'SRC=220.192.010.239'),
  base.replace('SRC=220.192.110.239', 'SRC=220.192.110.256'),
  base.replace('DPT=5000', 'DPT=65536'),
  base.replace('DPT=5000', 'DPT='),
  base.replace('TTL=241', 'TTL='),
  base.replace('ID=54321 ', 'ID=54321 DF '),
  base.replace('SPT=4117 DPT=5000', 'DPT=5000 SPT=4117'),
  base.replace('SRC=220.192.110.239 DST=192.0.2.50', 'DST=192.0.2.50 SRC=220.192.110.239'),
  base.replace('  ', ' ').replace(' SRC=', '  SRC='),
  base.replace(' LEN=44', '\tLEN=44'),
  base.replace('TCP SPT', 'TCP SEQ=1 SPT'),
  base.replace('WINDOW=1024', 'SEQ=3735928559 ACK=0 WINDOW=1024'),
  base.replace('WINDOW=1024', 'SEQ=4294967296 ACK=0 WINDOW=1024'),
  base + ' ',
  base.replace('SYN URGP', 'SYN\u00a0URGP'),
  base.replace('LEN=44 TOS', 'LEN=44\u3000TOS'),
  base.replace('TOS=0x00', 'TOS=0xZZ'),
  base.replace('TOS=0x00', 'TOS=0x0\u00e9'),
  base.replace('PREC=0x00 ', 'PREC=0x00  '),
  base.replace('LEN=44 ', 'LEN=44 LEN=45 '),
  base.replace('TTL=241 ', 'TTL=241 TTL=7 '),
  base.replace('ID=54321 ', 'ID=54321 CE DF MF '),
  base.slice(0, base.indexOf(' ID=')),
  base.replace('WINDOW=1024', 'WINDOW=x1024'),
  base.replace('RES=0x00 ', 'RES=0x00  '),
  base.replace('RES=0x00 SYN', 'RES=0x00 ACK SYN FIN'),
  base.slice(0, base.indexOf(' SYN URGP')),
  'garbage with SRC=1.2.3.4 DST=5.6.7.8 PROTO=TCP',
];

describeShared('the netfilter byte scanner on the public corpus', () => {
  it('reads every corpus line it takes exactly as the text parser does', () => {
    for (const line of netfilterSamples(shared('corpus', 'logformats.json'))) {
      const s = scanned(line);
      if (s !== null) expect(s, line).toEqual(parsed(line));
    }
  });
});

describe('the netfilter byte scanner', () => {
  it('reads every line it takes exactly as the text parser does, and takes the plain ones', () => {
    let taken = 0;
    for (const line of [...fixtureLines, ...sampleLines, ...demoLines, ...variants]) {
      const s = scanned(line);
      if (s === null) continue;
      taken++;
      expect(s, line).toEqual(parsed(line));
    }
    // Every demo line is a plain IPv4 netfilter line: all of them go the fast way.
    expect(taken).toBeGreaterThanOrEqual(demoLines.length + 15);
    for (const plain of [base, variants[3]!, variants[11]!, variants[12]!])
      expect(scanned(plain), plain).not.toBeNull();
    expect(scanned(base.replace('WINDOW=1024', 'SEQ=3735928559 ACK=0 WINDOW=1024'))).toMatchObject({ seq: 3735928559 });
  });

  it('reads a UTC offset a blank after the time as the text parser does, whatever line came before', () => {
    const clock = new LineClock(time);
    const at = base.indexOf('+09:00');
    for (const line of [
      base.slice(0, at) + ' +0' + base.slice(at + 6),
      base.slice(0, at) + ' +09:00' + base.slice(at + 6),
      base.slice(0, at) + base.slice(at + 6),
      base.slice(0, at) + ' -0500' + base.slice(at + 6),
    ]) {
      const s = scanned(line, clock);
      if (s !== null) expect(s, line).toEqual(parsed(line));
    }
    expect(parsed(base.slice(0, at) + ' -0500' + base.slice(at + 6))?.ts).toBe('2026-11-20T05:41:07.123Z');
  });

  it('agrees with the text parser on random mutations of a line (fast-check)', () => {
    const clock = new LineClock(time);
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: base.length - 1 }),
        fc.integer({ min: 0, max: 8 }),
        fc.constantFrom(' ', '=', '.', '0', '9', 'A', '\t', '[', 'S', ''),
        (at, cut, ch) => {
          const line = base.slice(0, at) + ch + base.slice(at + cut);
          const s = scanned(line, clock);
          if (s !== null) expect(s).toEqual(parsed(line));
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('counts a file the same as reading every line as text', async () => {
    // A busy bucket too: 3000 sources from many countries turn its exact sets into sketches.
    const busy = Array.from({ length: 6000 }, (_, i) =>
      base.replace('SRC=220.192.110.239', `SRC=${1 + ((i % 3000) % 223)}.${(i * 7) % 256}.${(i % 3000) >> 8}.9`),
    );
    // And one with more distinct sources than a bucket holds before it counts them per packet.
    const wide = Array.from({ length: 80_000 }, (_, i) =>
      base
        .replace('SRC=220.192.110.239', `SRC=${1 + (i % 223)}.${(i >> 8) & 255}.${i & 255}.${1 + (i % 7)}`)
        .replace('DPT=5000', 'DPT=23'),
    );
    const lines = [...demoLines, ...variants, ...busy, ...wide];
    const viaText = new HourlyRollup('s', true);
    for (const l of lines) {
      const r = parseRecord(l, time);
      if (r) viaText.add(r.event);
      else viaText.skipped++;
    }
    // Read as a file is read: in chunks that cut lines anywhere, each into the same memory.
    const viaIngest = await ingestStream(reusedChunks(Buffer.from(lines.join('\r\n')), 4093), {
      ...time,
      maxLineChars: 4096,
      sensor: 's',
      keepRecent: true,
    });
    const summary = (
      buckets: Iterable<{
        hour: number;
        proto: string;
        port: number;
        events: number;
        synOnly: number;
        sources: { count(): number };
        targets: { count(): number };
        nets24: { count(): number };
        countries: Map<string, { count(): number }>;
      }>,
    ) =>
      [...buckets]
        .map((b) => {
          const distinct = `${b.sources.count()} ${b.targets.count()} ${b.nets24.count()}`;
          const countries = [...b.countries].map(([c, u]) => `${c}${u.count()}`).sort();
          return `${b.hour}/${b.proto}/${b.port}: ${b.events} ${b.synOnly} ${distinct} ${countries.join(',')}`;
        })
        .sort();
    expect(summary(viaIngest.buckets)).toEqual(summary(viaText.bucketList));
    expect(viaIngest.parsed).toBe(viaText.parsed);
    expect(viaIngest.skipped).toBe(viaText.skipped);
    // Scanned addresses come as numbers, parsed ones as text: the same address either way.
    const text = (a: string | number | null) => (typeof a === 'number' ? dotted(a) : a);
    const recent = (r: Iterable<NewRecentEvent>) =>
      [...r].map((e) => `${e.ts} ${text(e.src)} ${text(e.dst)} ${e.flags} ${e.ttl} ${e.seq}`).sort();
    expect(recent(viaIngest.recent)).toEqual(recent(viaText.recent));
  });
});

/** `bytes` in chunks of `size`, each copied into the same buffer before it is handed on (fileChunks reads so). */
async function* reusedChunks(bytes: Buffer, size: number): AsyncGenerator<Buffer> {
  const into = Buffer.alloc(size);
  for (let at = 0; at < bytes.length; at += size) yield into.subarray(0, bytes.copy(into, 0, at, at + size));
}
