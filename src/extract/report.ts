import ipaddr from 'ipaddr.js';
import { DEFAULT_LIMITS, type Config } from '../config/schema.ts';
import { LABEL_ONLY, type LogEvent, type PortClaim, type Post, type Report } from '../model.ts';
import { countTotals, extractCounts } from './counts.ts';
import { isDottedQuad, isIpAddress } from './formats/common.ts';
import type { TimeContext } from './formats/registry.ts';
import { findLogRecords, type StartsMemo } from './loglines.ts';
import { allMatches } from './matches.ts';
import { extractPorts } from './ports.ts';
import { countries, impliedPorts, timeWindow } from './claims.ts';
import { asksList, languages, patterns } from './prose.ts';
import { blocks, joinProse, unquote } from './quoting.ts';
import { tablePorts, type TablePort } from './tables.ts';
import { findTlp } from './tlp.ts';
import { nfkc } from './unicode.ts';

export interface ExtractOptions {
  /** Zone for log timestamps that carry none, in a post whose Date header gives no offset. */
  zone: string;
  maxScanChars: number;
  maxLineChars: number;
  /** Port claims kept, the strongest (limits.maxPortsPerPost; its default when not given). */
  maxPorts?: number;
}

/** The options the configured bot reads posts with, in the pipeline and in `kansoku extract` alike. */
export function extractOptions(config: Config): ExtractOptions {
  return {
    zone: config.counters.timezone,
    maxScanChars: config.limits.maxScanChars,
    maxLineChars: config.limits.maxLineChars,
    maxPorts: config.limits.maxPortsPerPost,
  };
}

/**
 * The UTC offset of a Date header ("+09:00" for "Fri, 20 Nov 2026 10:15:00 +0900"): log lines that
 * name no zone are in the poster's local time, as a Japanese operator's firewall logs are in JST.
 * RFC 5322 writes the zone as four digits; "-0000" says that the offset is unknown, and the
 * obsolete names (GMT, EST) are left to the configured zone.
 */
function dateOffset(date: string | undefined): string | null {
  const m = /\s([+-])(\d{2})(\d{2})(?:\s*\([^()]*\))?\s*$/.exec(date ?? '');
  if (!m || (m[1] === '-' && m[2] === '00' && m[3] === '00') || Number(m[2]) > 14 || Number(m[3]) > 59) return null;
  return `${m[1]}${m[2]}:${m[3]}`;
}

/**
 * Prose as the claim patterns read it: full-width letters and digits folded to ASCII (NFKC:
 * 「ＴＣＰ／５０００」 is tcp/5000), and one space for every run of blanks, since the patterns allow
 * single spaces only (no backtracking on long input).
 */
function normalizeProse(s: string): string {
  // A lone space is left alone rather than replaced by itself: most of English prose's runs are.
  const t = nfkc(s).replace(/\t[ \t]*| [ \t]+/g, ' ');
  // Plain-text emphasis is the word it stresses: "we have *not* seen" denies as "not" does.
  return /[*_]/.test(t) ? t.replace(EMPHASIS, '$2') : t;
}

const EMPHASIS = /(?<![\w*])([*_])([A-Za-z][A-Za-z']*(?: [A-Za-z']+){0,3})\1(?![\w*])/g;

/**
 * Reads what a post claims: ports with protocols, log lines, counts, scan type, TLP. Quoting is
 * removed and wrapped records joined first; the body, the subject and text attachments are read
 * (forwarded messages among them).
 */
export function extractReport(post: Post, opts: ExtractOptions): Report {
  const reference = post.date ? new Date(post.date) : new Date();
  const time: TimeContext = { reference, zone: dateOffset(post.headers['date']) ?? opts.zone };
  const whole = [post.text, ...post.attachments.map((a) => a.text)];
  // An HTML alternative repeats the text part: read for its label, not counted twice for claims.
  const texts = [post.text, ...post.attachments.filter((a) => a.contentType !== LABEL_ONLY).map((a) => a.text)].map(
    (t) => t.slice(0, opts.maxScanChars),
  );

  const events: LogEvent[] = [];
  const table: TablePort[] = [];
  const usual: TablePort[] = [];
  const prose: string[] = [normalizeProse(post.subject)];
  // Where the prose is another poster's words, quoted: [start, end) in the joined text.
  const quoted: Array<[number, number]> = [];
  let offset = prose[0]!.length + 1;
  const starts: StartsMemo = new Map();
  for (const t of texts) {
    const bl = blocks(unquote(cutFooter(t)));
    const found = findLogRecords(
      bl.map((b) => b.lines),
      time,
      opts.maxLineChars,
      starts,
    );
    events.push(...found.events);
    let before = '';
    for (const b of bl) {
      const lines = b.lines.filter((l) => !found.used.has(l) && l.length <= opts.maxLineChars);
      const folded = lines.map(nfkc);
      const tables = tablePorts(folded, before);
      before = folded.at(-1) ?? '';
      table.push(...tables.ports);
      // (what a quoted post gives as usual is its writer's, and of its day)
      if (b.depth === 0) usual.push(...tables.quiet);
      const rest = lines.filter((_, i) => !tables.used.has(folded[i]!));
      if (!rest.length) continue;
      const piece = normalizeProse(joinProse(rest));
      if (b.depth > 0) quoted.push([offset, offset + piece.length]);
      prose.push(piece);
      offset += piece.length + 1;
    }
  }
  const text = prose.join('\n');
  const countMentions = extractCounts(text);
  const named = extractPorts(text, events, table, quoted, usual);
  const warnings: string[] = [];
  const max = opts.maxPorts ?? DEFAULT_LIMITS.maxPortsPerPost;
  const ports = strongest(named.ports, max, prose[0]!);
  if (ports.length < named.ports.length)
    warnings.push(
      `${named.ports.length - ports.length} of ${named.ports.length} port claims not kept: ` +
        `limits.maxPortsPerPost (${max}) keeps the strongest`,
    );
  const found = patterns(text);
  return {
    messageId: post.messageId,
    subject: post.subject,
    date: post.date,
    languages: languages(text),
    // Read past maxScanChars: a label at the end of a long post binds the whole of it.
    tlp: findTlp(post.subject, ...whole),
    ports,
    logLines: events,
    counts: countTotals(countMentions),
    countMentions,
    scanTypes: found.filter((c) => c.kind === 'scan-type').map((c) => c.value),
    targeting: found.filter((c) => c.kind === 'targeting').map((c) => c.value),
    question: asksList(text),
    sourceAddresses: sourceAddresses(events, text),
    patterns: found,
    countries: countries(text),
    window: timeWindow(text),
    portRanges: named.ranges,
    // A service whose port the post names, even as the scanners' source port or to say it is
    // quiet, implies nothing more.
    impliedPorts: impliedPorts(text, named.named),
    sourcePorts: named.sourcePorts,
    warnings,
    signature: post.signature,
  };
}

/**
 * At most `max` port claims, the strongest kept: named in the subject (what the post is about),
 * said to rise, seen in log lines, named with a protocol, named as the destination; then the
 * lowest ports. Returned in port order, as extractPorts gives them.
 */
function strongest(ports: PortClaim[], max: number, subject: string): PortClaim[] {
  if (ports.length <= max) return ports;
  const inSubject = new Set(extractPorts(subject, []).ports.map((p) => p.port));
  const strength = (p: PortClaim) =>
    (inSubject.has(p.port) ? 16 : 0) +
    (p.trend === 'rising' ? 8 : 0) +
    (p.from.includes('log') ? 4 : 0) +
    (p.proto !== null ? 2 : 0) +
    (p.role === 'destination' ? 1 : 0);
  const kept = new Set(
    ports
      .map((p, i) => ({ i, s: strength(p) }))
      .sort((a, b) => b.s - a.s || a.i - b.i)
      .slice(0, max)
      .map((x) => x.i),
  );
  return ports.filter((_, i) => kept.has(i));
}

const IPV4 = /(?<![\w.])(\d{1,3}(?:\.\d{1,3}){3})(?![\w]|\.\d)/g;

/** Sources of the log lines first, then addresses named in the prose; at most 10,000. */
function sourceAddresses(events: LogEvent[], prose: string): string[] {
  const out = new Set<string>();
  const add = (a: string | null) => {
    if (!a || out.size >= 10_000) return;
    // A dotted quad is already in the form ipaddr.js prints: only IPv6 needs parsing to print it canonically.
    if (isDottedQuad(a)) out.add(a);
    else if (isIpAddress(a)) out.add(ipaddr.parse(a).toString());
  };
  for (const e of events) add(e.src);
  for (const m of allMatches(prose, IPV4)) if (ipaddr.IPv4.isValidFourPartDecimal(m[1]!)) add(m[1]!);
  return [...out];
}

/**
 * Drops what follows Mailman's attachment scrubber line ("-------------- next part --------------"):
 * the list footer lives there, often in a charset the archive broke.
 */
function cutFooter(text: string): string {
  // Looked for line by line only in text that has five dashes in a row at all: most has none.
  const m = text.includes('-----') ? /^-{5,}\s*next part\s*-{5,}\s*$/im.exec(text) : null;
  return m ? text.slice(0, m.index) : text;
}
