import { tlpLabels } from '../extract/tlp.ts';
import { INVISIBLE_CHARS } from '../extract/unicode.ts';
import type { Evidence, Finding, Fingerprint, PostHeader, Proto, Report, Tlp, Verdict } from '../model.ts';
import {
  countryJa,
  dateTimeEn,
  dateTimeJa,
  hourEn,
  hourJa,
  momentEn,
  momentJa,
  num,
  percent,
  ratioText,
} from './format.ts';

/**
 * What the templates see: facts, already formatted for each language. The sentences live in the
 * templates, one per language, so that each reads as its own readers write (japanese-style.md).
 */
export interface ReplyView {
  tlp: Tlp;
  tlpJa: string;
  tlpEn: string;
  listName: string | null;
  nameJa: string;
  nameEn: string;
  source: { subject: string; from: string; dateJa: string | null; dateEn: string | null; messageId: string };
  ports: PortView[];
  portsLabel: string;
  portsLabelJa: string;
  anyElevated: boolean;
  allNoData: boolean;
  allQuiet: boolean;
  allNotSeen: boolean;
  windowDays: number;
  /** The days the peak is looked for in (correlate.lookbackHours). */
  lookbackDays: number;
  reported: {
    sourcesJa: string | null;
    sourcesEn: string | null;
    targetsJa: string | null;
    targetsEn: string | null;
    synScan: boolean;
    reflection: boolean;
    bruteForce: boolean;
    onePer24: boolean;
    logLines: string[];
    logLineCount: number;
    /** Every line is quoted: "3 lines", not "an excerpt of 3". */
    quotedAll: boolean;
  };
  /** The report's sources that we saw too, with when we first saw each when the raw events say. */
  sourcesSeen: Array<{ source: string; sinceJa: string | null; sinceEn: string | null }>;
  /** Our own share of events aimed at one address per /24, when it shows that pattern (90% or more). */
  ourOnePer24: string | null;
  /** Lines of our own events of the elevated ports, destinations left out: the evidence we quote. */
  ourLines: string[];
  coverageJa: string;
  coverageEn: string;
  baselineHours: number;
  sigma: number;
}

export interface PortView {
  label: string;
  proto: Proto | null;
  port: number;
  verdict: Verdict;
  verdictJa: string;
  verdictEn: string;
  elevated: boolean;
  normal: boolean;
  notSeen: boolean;
  noData: boolean;
  /** Events per hour: the count of a complete hour, or the rate over a partial hour's minutes. */
  current: string;
  /** The report's own hour, judged on its first minutes: `currentEvents` in `currentMinutes`. */
  partial: boolean;
  currentMinutes: string;
  currentEvents: string;
  currentHourJa: string | null;
  currentHourEn: string | null;
  currentSources: string;
  mean: string | null;
  lower: string | null;
  upper: string | null;
  ratio: string | null;
  onsetJa: string | null;
  onsetEn: string | null;
  peakJa: string | null;
  peakEn: string | null;
  peakEvents: string | null;
  /** The window's busiest hour went beyond the band: worth a word even when the verdict is normal. */
  peakAboveBand: boolean;
  tcpdump: string;
  iptables: string;
  /** What our raw events since the onset (or in the current hour) show; null when none are kept. */
  evidence: EvidenceView | null;
}

export interface EvidenceView {
  sinceJa: string;
  sinceEn: string;
  events: string;
  sources: string;
  synOnly: string | null;
  onePer24: string | null;
  fingerprintsJa: string[];
  fingerprintsEn: string[];
  /** 「CN 35%、US 20%」 / "CN 35%, US 20%"; null without countries. */
  countriesJa: string | null;
  countriesEn: string | null;
}

/** A tool's mark, said as an analyst would: what the packets carry and whose mark it is. */
const FINGERPRINT_WORDS: Record<Fingerprint['tool'], { ja: string; en: string }> = {
  mirai: {
    ja: 'TCPシーケンス番号が宛先アドレスと一致しており、Mirai系ボットの特徴と一致します',
    en: 'carry the destination address as their TCP sequence number, as Mirai and its descendants do',
  },
  zmap: { ja: 'IP IDが54321で、ZMapの特徴と一致します', en: "have IP ID 54321, ZMap's mark" },
  masscan: {
    ja: 'IP IDが宛先アドレス・宛先ポート・シーケンス番号の排他的論理和と一致しており、masscanの特徴と一致します',
    en: "have an IP ID equal to destination address XOR port XOR sequence number, masscan's mark",
  },
};

function evidenceView(e: Evidence | null, zone: string): EvidenceView | null {
  if (!e) return null;
  return {
    sinceJa: hourJa(e.from, zone),
    sinceEn: hourEn(e.from, zone),
    events: num(e.events),
    sources: num(e.sources),
    synOnly: e.synOnly === null ? null : percent(e.synOnly),
    onePer24: e.onePerSlash24 === null ? null : percent(e.onePerSlash24),
    countriesJa: e.countries.length
      ? e.countries.map((c) => `${countryJa(c.country)} ${percent(c.share)}`).join('、')
      : null,
    countriesEn: e.countries.length ? e.countries.map((c) => `${c.country} ${percent(c.share)}`).join(', ') : null,
    fingerprintsJa: e.fingerprints.map(
      (f) => `イベントの${percent(f.share)}（${num(f.events)}件）は${FINGERPRINT_WORDS[f.tool].ja}。`,
    ),
    fingerprintsEn: e.fingerprints.map(
      (f) => `${percent(f.share)} of the events (${num(f.events)}) ${FINGERPRINT_WORDS[f.tool].en}.`,
    ),
  };
}

export const VERDICT_JA: Record<Verdict, string> = {
  elevated: '増加を確認',
  normal: '平常範囲内',
  'not-seen': '観測なし',
  'no-data': 'データ欠損のため判断不可',
};
export const VERDICT_EN: Record<Verdict, string> = {
  elevated: 'elevated',
  normal: 'within the normal range',
  'not-seen': 'not seen',
  'no-data': 'no sensor data, cannot tell',
};
export const TLP_JA: Record<Tlp, string> = {
  CLEAR: 'TLP:CLEAR（共有範囲の制限なし）',
  GREEN: 'TLP:GREEN（共有範囲：コミュニティ内）',
  AMBER: 'TLP:AMBER（共有範囲：組織内および顧客）',
  'AMBER+STRICT': 'TLP:AMBER+STRICT（共有範囲：組織内のみ）',
  RED: 'TLP:RED（共有範囲：受信者のみ）',
};
export const TLP_EN: Record<Tlp, string> = {
  CLEAR: 'TLP:CLEAR (disclosure is not limited)',
  GREEN: 'TLP:GREEN (share within the community)',
  AMBER: 'TLP:AMBER (share within your organisation and its clients)',
  'AMBER+STRICT': 'TLP:AMBER+STRICT (share within your organisation only)',
  RED: 'TLP:RED (named recipients only)',
};

export function portLabel(port: number, proto: Proto | null): string {
  return proto ? `${port}/${proto}` : `port ${port}`;
}

/** One port's finding, each fact formatted for each language. */
export function portView(f: Finding, zone: string): PortView {
  const label = portLabel(f.port, f.proto);
  const p = f.proto ?? 'tcp';
  return {
    label,
    proto: f.proto,
    port: f.port,
    verdict: f.verdict,
    verdictJa: VERDICT_JA[f.verdict],
    verdictEn: VERDICT_EN[f.verdict],
    elevated: f.verdict === 'elevated',
    normal: f.verdict === 'normal',
    notSeen: f.verdict === 'not-seen',
    noData: f.verdict === 'no-data',
    current: num(f.current),
    partial: f.currentMinutes !== null && f.currentMinutes < 60,
    currentMinutes: num(f.currentMinutes),
    currentEvents: num(f.currentEvents),
    currentHourJa: f.currentHour ? hourJa(f.currentHour, zone) : null,
    currentHourEn: f.currentHour ? hourEn(f.currentHour, zone) : null,
    currentSources: num(f.currentSources),
    mean: f.baseline ? num(f.baseline.mean, 1) : null,
    lower: f.baseline ? num(f.baseline.lower, 1) : null,
    upper: f.baseline ? num(f.baseline.upper, 1) : null,
    ratio: f.ratio === null ? null : ratioText(f.ratio),
    onsetJa: f.onset ? hourJa(f.onset, zone) : null,
    onsetEn: f.onset ? hourEn(f.onset, zone) : null,
    peakJa: f.peak ? hourJa(f.peak.hour, zone) : null,
    peakEn: f.peak ? hourEn(f.peak.hour, zone) : null,
    peakEvents: f.peak ? num(f.peak.events) : null,
    peakAboveBand: !!f.peak && !!f.baseline && f.peak.events > f.baseline.upper,
    evidence: evidenceView(f.evidence, zone),
    tcpdump:
      p === 'tcp'
        ? `tcpdump -n 'tcp dst port ${f.port} and tcp[tcpflags] & (tcp-syn|tcp-ack) == tcp-syn'`
        : p === 'udp'
          ? `tcpdump -n 'udp dst port ${f.port}'`
          : `tcpdump -n 'icmp'`,
    iptables:
      p === 'icmp'
        ? `iptables -I INPUT -p icmp -j LOG --log-prefix "kansoku icmp: "`
        : `iptables -I INPUT -p ${p} --dport ${f.port}${p === 'tcp' ? ' --syn' : ''} ` +
          `-j LOG --log-prefix "kansoku ${p}/${f.port}: "`,
  };
}

function countJa(value: number | undefined, approx: boolean, unit: string): string | null {
  if (value === undefined) return null;
  return `${approx ? '約' : ''}${num(value)}${unit}`;
}

/** How much sensor data a finding stands on, in each language. */
export function coverage(hoursWithData: number, hoursInWindow: number): { coverageJa: string; coverageEn: string } {
  const days = num(Math.round(hoursInWindow / 24));
  return {
    coverageJa: `過去${days}日間（${num(hoursInWindow)}時間）のうち${num(hoursWithData)}時間分のデータ`,
    coverageEn: `${num(hoursWithData)} of the past ${num(hoursInWindow)} hours (${days} days) with data`,
  };
}

export interface ViewInput {
  post: PostHeader;
  report: Report;
  findings: Finding[];
  tlp: Tlp;
  listName: string | null;
  nameJa: string;
  nameEn: string;
  zone: string;
  maxQuotedLines: number;
  baselineHours: number;
  sigma: number;
  lookbackHours: number;
}

/** The one-target-per-/24 pattern in our own events of an elevated port, as a share; null when they do not show it. */
function ourOnePer24(findings: Finding[]): string | null {
  const shares = findings
    .filter((f) => f.verdict === 'elevated')
    .map((f) => f.evidence?.onePerSlash24 ?? 0)
    .filter((s) => s >= 0.9);
  return shares.length ? percent(Math.max(...shares)) : null;
}

const HIDDEN = new RegExp(`${INVISIBLE_CHARS.source}|[\u2066-\u2069]`, 'g');
/** A display name is the poster's own words: at most this long in ours. */
const MAX_NAME = 64;

/**
 * How our reply names the poster: their display name, unless it would put words in our mouth (a
 * TLP label, "TLP:CLEAR Mallory", read as our label) or turn our text around (bidi controls); then
 * their address.
 */
export function posterName(from: NonNullable<PostHeader['from']>): string {
  const name = from.name.replace(HIDDEN, '').replace(/\s+/g, ' ').trim().slice(0, MAX_NAME);
  return name && !tlpLabels(name).length ? name : from.address;
}

export function replyView(i: ViewInput): ReplyView {
  const ports = i.findings.map((f) => portView(f, i.zone));
  const approx = (kind: 'sources' | 'targets') =>
    i.report.countMentions.find((m) => m.kind === kind && m.value === i.report.counts[kind])?.approx ?? false;
  const from = i.post.from ? posterName(i.post.from) : 'unknown sender';
  const hoursWithData = Math.max(0, ...i.findings.map((f) => f.coverage.hoursWithData));
  const hoursInWindow = Math.max(0, ...i.findings.map((f) => f.coverage.hoursInWindow));
  return {
    tlp: i.tlp,
    tlpJa: TLP_JA[i.tlp],
    tlpEn: TLP_EN[i.tlp],
    listName: i.listName,
    nameJa: i.nameJa,
    nameEn: i.nameEn,
    source: {
      subject: i.post.subject,
      from,
      dateJa: i.post.date ? dateTimeJa(i.post.date, i.zone) : null,
      dateEn: i.post.date ? dateTimeEn(i.post.date, i.zone) : null,
      messageId: i.post.messageId,
    },
    ports,
    portsLabel: ports.map((p) => p.label).join(', '),
    portsLabelJa: ports.map((p) => p.label).join('、'),
    anyElevated: ports.some((p) => p.elevated),
    allNoData: ports.every((p) => p.noData),
    allQuiet: ports.every((p) => p.normal || p.notSeen),
    allNotSeen: ports.every((p) => p.notSeen),
    windowDays: Math.round((i.lookbackHours + i.baselineHours) / 24),
    lookbackDays: Math.round(i.lookbackHours / 24),
    reported: {
      sourcesJa: countJa(i.report.counts.sources, approx('sources'), 'ホスト'),
      sourcesEn:
        i.report.counts.sources === undefined
          ? null
          : `${approx('sources') ? 'about ' : ''}${num(i.report.counts.sources)}`,
      targetsJa: countJa(i.report.counts.targets, approx('targets'), '件'),
      targetsEn:
        i.report.counts.targets === undefined
          ? null
          : `${approx('targets') ? 'about ' : ''}${num(i.report.counts.targets)}`,
      synScan: i.report.scanTypes.includes('syn-scan'),
      reflection: i.report.scanTypes.includes('reflection'),
      bruteForce: i.report.scanTypes.includes('brute-force'),
      onePer24: i.report.targeting.includes('one-target-per-/24'),
      logLines: i.report.logLines.slice(0, i.maxQuotedLines).map((l) =>
        l.raw
          .split('\n')
          .map((x) => x.trim())
          .join(' '),
      ),
      logLineCount: i.report.logLines.length,
      quotedAll: i.report.logLines.length <= i.maxQuotedLines,
    },
    sourcesSeen: [...new Set(i.findings.flatMap((f) => f.sourcesSeenLocally))].map((source) => {
      const first = i.findings.flatMap((f) => f.evidence?.reportedFirstSeen ?? []).find((r) => r.source === source);
      return {
        source,
        sinceJa: first ? momentJa(first.firstSeen, i.zone) : null,
        sinceEn: first ? momentEn(first.firstSeen) : null,
      };
    }),
    ourOnePer24: ourOnePer24(i.findings),
    ourLines: i.findings
      .filter((f) => f.verdict === 'elevated')
      .flatMap((f) => f.evidence?.samples ?? [])
      .slice(0, i.maxQuotedLines),
    ...coverage(hoursWithData, hoursInWindow),
    baselineHours: i.baselineHours,
    sigma: i.sigma,
  };
}
