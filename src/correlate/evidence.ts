import type { Evidence, Fingerprint } from '../model.ts';
import { parseDotted } from '../net/ipv4.ts';
import type { RecentEvent } from '../store/index.ts';
import { HOUR_MS, hourIso } from '../time.ts';

/**
 * A tool's mark must be on at least this share of the events that carry the fields it is read
 * from, and on this many events, to be named. By chance a mark holds for one event in 65,536
 * (a 16-bit IP ID) or fewer, so ordinary traffic never comes near.
 */
const FINGERPRINT_SHARE = 0.5;
const FINGERPRINT_EVENTS = 10;
/**
 * One target per /24 says something only of a sensor that listens on many addresses (a single-IP
 * honeypot gets "100%" from any traffic), and only over enough events.
 */
const TARGETING_MIN_LISTENING = 16;
const TARGETING_MIN_EVENTS = 20;

/** Scanners known by what they write into the packets they send (the fields netfilter logs as ID= and SEQ=). */
const TOOLS: Array<{ tool: Fingerprint['tool']; needs: 'seq' | 'ipId' | 'both'; holds: (e: Packet) => boolean }> = [
  // Mirai and its descendants: the TCP sequence number is the destination address.
  { tool: 'mirai', needs: 'seq', holds: (e) => e.seq === e.dst },
  // ZMap: a fixed IP ID of 54321.
  { tool: 'zmap', needs: 'ipId', holds: (e) => e.ipId === 54321 },
  // masscan: IP ID = destination address ^ destination port ^ sequence number, low 16 bits.
  { tool: 'masscan', needs: 'both', holds: (e) => e.ipId === ((e.dst ^ e.dpt ^ e.seq!) & 0xffff) >>> 0 },
];

interface Packet {
  dst: number;
  dpt: number;
  seq: number | null;
  ipId: number | null;
}

const share = (n: number, of: number) => (of ? Math.round((n / of) * 1000) / 1000 : null);

/** The most frequent value and its share; null when there is none. */
function top<T>(values: T[]): { value: T; share: number } | null {
  const counts = new Map<T, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  let best: { value: T; n: number } | null = null;
  for (const [value, n] of counts) if (!best || n > best.n) best = { value, n };
  return best ? { value: best.value, share: share(best.n, values.length)! } : null;
}

/**
 * What our own raw events of one port say about a rise, from `fromMs` (its onset, or the current
 * hour) up to `atMs`: who sends, how they pick targets, what their packets look like, and which
 * scanner wrote them. Destination addresses are ours and never appear here, only shares.
 */
export function evidenceOf(
  events: RecentEvent[],
  fromMs: number,
  atMs: number,
  truncated: boolean,
  reportedFirstSeen: Array<{ src: string; ts: number }>,
  countries: Map<string, number> = new Map(),
  /** Distinct destination addresses of any port the sensor saw in the hour before: how widely it listens. */
  listening = Infinity,
): Evidence {
  const sources = new Set<string>();
  const sourcesByHour: Evidence['sourcesByHour'] = [];
  let hour = -1;
  const per24 = new Map<number, Set<number>>();
  const packets: Packet[] = [];
  for (const e of events) {
    const h = Math.floor(e.ts / HOUR_MS);
    if (h !== hour && hour >= 0) sourcesByHour.push({ hour: hourIso(hour), sources: sources.size });
    hour = h;
    sources.add(e.src);
    const dst = e.dst ? parseDotted(e.dst) : null;
    if (dst?.parts === 4) {
      const net = dst.n >>> 8;
      if (!per24.has(net)) per24.set(net, new Set());
      per24.get(net)!.add(dst.n);
      packets.push({ dst: dst.n, dpt: e.dpt ?? 0, seq: e.seq, ipId: e.ipId });
    }
  }
  if (hour >= 0) sourcesByHour.push({ hour: hourIso(hour), sources: sources.size });

  const tcp = events.filter((e) => e.proto === 'tcp' && e.flags !== null);
  const lone = packets.filter((p) => per24.get(p.dst >>> 8)!.size === 1).length;
  const ports = top(events.map((e) => e.spt).filter((p) => p !== null));
  const ttls = top(events.map((e) => e.ttl).filter((t) => t !== null));
  return {
    from: new Date(fromMs).toISOString(),
    to: new Date(atMs).toISOString(),
    events: events.length,
    truncated,
    sources: sources.size,
    sourcesByHour,
    synOnly: share(tcp.filter((e) => e.flags === 'S').length, tcp.length),
    onePerSlash24:
      listening >= TARGETING_MIN_LISTENING && packets.length >= TARGETING_MIN_EVENTS
        ? share(lone, packets.length)
        : null,
    topDestinationShare: top(packets.map((p) => p.dst))?.share ?? null,
    sourcePorts: { distinct: new Set(events.map((e) => e.spt)).size, topShare: ports?.share ?? null },
    ttl: { distinct: new Set(events.map((e) => e.ttl)).size, top: ttls?.value ?? null, topShare: ttls?.share ?? null },
    reportedFirstSeen: reportedFirstSeen.map((r) => ({ source: r.src, firstSeen: new Date(r.ts).toISOString() })),
    countries: topCountries(countries),
    fingerprints: fingerprints(packets),
    samples: samples(events, new Set(reportedFirstSeen.map((r) => r.src))),
  };
}

function topCountries(counts: Map<string, number>): Evidence['countries'] {
  const total = [...counts.values()].reduce((a, b) => a + b, 0);
  return [...counts]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, 3)
    .map(([country, n]) => ({ country, share: share(n, total)! }));
}

/** Lines quoted from our own events, at most. */
const SAMPLES = 3;

/** One event as a log line, netfilter's words, the destination left out: it is one of our addresses. */
function sampleLine(e: RecentEvent): string {
  const fields = [
    new Date(e.ts).toISOString().replace('.000Z', 'Z'),
    `SRC=${e.src}`,
    `PROTO=${e.proto.toUpperCase()}`,
    e.spt !== null ? `SPT=${e.spt}` : '',
    e.dpt !== null ? `DPT=${e.dpt}` : '',
    e.ttl !== null ? `TTL=${e.ttl}` : '',
    e.ipId !== null ? `ID=${e.ipId}` : '',
    e.seq !== null ? `SEQ=${e.seq}` : '',
    e.flags ? `FLAGS=${e.flags}` : '',
  ];
  return fields.filter(Boolean).join(' ');
}

function samples(events: RecentEvent[], reported: Set<string>): string[] {
  const theirs = events.filter((e) => reported.has(e.src));
  const rest = events.filter((e) => !reported.has(e.src));
  return [...theirs, ...rest].slice(0, SAMPLES).map(sampleLine);
}

function fingerprints(packets: Packet[]): Fingerprint[] {
  const out: Fingerprint[] = [];
  for (const t of TOOLS) {
    const readable = packets.filter((p) =>
      t.needs === 'seq' ? p.seq !== null : t.needs === 'ipId' ? p.ipId !== null : p.seq !== null && p.ipId !== null,
    );
    const marked = readable.filter(t.holds).length;
    const s = share(marked, readable.length);
    if (s !== null && s >= FINGERPRINT_SHARE && marked >= FINGERPRINT_EVENTS)
      out.push({ tool: t.tool, share: s, events: marked });
  }
  return out;
}
