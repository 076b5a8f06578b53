import { DateTime } from 'luxon';
import type { Config } from '../config/schema.ts';
import { hourEn, hourJa, num, ratioText } from './format.ts';
import { bilingualText, draftMessageId, messageTlp, renderTemplate, type KindSpec } from './render.ts';
import { subjectWithTlp } from '../extract/tlp.ts';
import { portLabel, TLP_EN, TLP_JA, VERDICT_EN, VERDICT_JA } from './view.ts';
import type { DraftMessage, Proto, Tlp } from '../model.ts';
import type { ChartPoint, DigestData } from '../digest/data.ts';

/** The digest as a draft, with its HTML part and charts for the outbound gate to build into one message. */
export interface Digest {
  draft: DraftMessage;
  html: string;
  charts: Array<{ name: string; png: Buffer; cid: string }>;
}

/** What a chart's band is, in both languages: 「件/時（48時間移動平均と±1.645σの範囲）」. */
export function bandLabel(config: Config): string {
  const { baselineHours: h, sigma } = config.correlate;
  return `件/時、${h}時間移動平均と±${sigma}σの範囲 / events/hour, ${h} h moving average, +/-${sigma} sigma band`;
}

/** The HTML part's template: the text part again, with the charts inline (the digest's and the overview's). */
export const HTML_PART = 'digest.html';

export interface DigestInput {
  data: DigestData;
  config: Config;
}

/** The digest goes to the first configured list. */
export function digestList(config: Config): Config['lists'][number] | null {
  return config.lists[0] ?? null;
}

/** The digest's facts: the week's events, the ports that changed, the sensor's gaps. */
export function digestView({ data, config }: DigestInput) {
  const zone = data.week.zone;
  const list = digestList(config);
  const tlp: Tlp = messageTlp(data.tlps, list, config);
  const start = DateTime.fromJSDate(data.week.start, { zone });
  const endDay = DateTime.fromJSDate(data.week.end, { zone }).minus({ days: 1 });
  const [year, week] = data.week.id.split('-W');
  return {
    tlp,
    listName: list?.name ?? null,
    nameJa: config.identity.nameJa,
    nameEn: config.identity.nameEn,
    tlpJa: TLP_JA[tlp],
    tlpEn: TLP_EN[tlp],
    weekJa: `${year}年第${Number(week)}週（${start.month}月${start.day}日〜${endDay.month}月${endDay.day}日）`,
    weekEn:
      `${data.week.id}, ${start.setLocale('en').toFormat('d LLL')} ` +
      `to ${endDay.setLocale('en').toFormat('d LLL yyyy')}`,
    events: data.events.map((e) => ({
      label: portLabel(e.port, e.proto),
      firstSeenJa: hourJa(e.firstSeen, zone, true),
      firstSeenEn: hourEn(e.firstSeen, zone, true),
      peakJa: e.peak ? hourJa(e.peak.hour, zone, true) : null,
      peakEn: e.peak ? hourEn(e.peak.hour, zone, true) : null,
      peakEvents: e.peak ? num(e.peak.events) : null,
      verdictJa: e.verdict ? VERDICT_JA[e.verdict] : '判定なし',
      verdictEn: e.verdict ? VERDICT_EN[e.verdict] : 'none',
      confirmations: e.confirmations,
      denials: e.denials,
    })),
    changes: data.changes.map((c) => ({
      label: portLabel(c.port, c.proto),
      thisWeek: num(c.thisWeek),
      lastWeek: num(c.lastWeek),
      thisRate: num(c.thisRate, 1),
      lastRate: num(c.lastRate, 1),
      ratio: c.lastRate > 0 ? ratioText(c.thisRate / c.lastRate) : null,
    })),
    gaps: data.gaps.map((g) => ({
      fromJa: hourJa(g.from, zone, true),
      toJa: hourJa(g.to, zone, true),
      fromEn: hourEn(g.from, zone, true),
      toEn: hourEn(g.to, zone, true),
      hours: g.hours,
    })),
    withheld: data.withheld,
    hoursInWeek: data.hoursInWeek,
    hoursWithData: data.hoursWithData,
    charts: data.charts,
    chartsJa: data.charts.map((c) => portLabel(c.port, c.proto)).join('、'),
    chartsEn: data.charts.map((c) => portLabel(c.port, c.proto)).join(', '),
    baselineHours: config.correlate.baselineHours,
    sigma: config.correlate.sigma,
  };
}

/**
 * The weekly digest as one message: a plain-text part (Japanese, then English) for members who
 * read mail as text, and an HTML part with the same text and the week's charts inline.
 */
export async function renderDigest(input: DigestInput): Promise<Digest> {
  const { data, config } = input;
  const view = digestView(input);
  return periodicMessage(config, {
    kind: 'digest',
    period: data.week.id,
    title: `週間観測まとめ / Weekly digest ${data.week.id}`,
    tlp: view.tlp,
    text: bilingualText(config.draft.templates, digest.body, view),
    zone: data.week.zone,
    span: 'week',
    charts: data.charts,
  });
}

/**
 * A message of a period (the weekly digest, the daily overview) to the first list: its subject
 * with the list's tag and the TLP, a stable Message-ID per period, the text, and its charts.
 */
export async function periodicMessage(
  config: Config,
  m: {
    kind: 'digest' | 'overview';
    period: string;
    title: string;
    tlp: Tlp;
    text: string;
    zone: string;
    span: 'week' | 'day';
    charts: Array<{ proto: Proto; port: number; points: ChartPoint[] }>;
  },
): Promise<Digest> {
  const list = digestList(config);
  const subject = subjectWithTlp(`${list ? `[${list.name}] ` : ''}${m.title}`, m.tlp);
  const key = `${m.kind}:${m.period}`;
  const { html, charts } = await chartedHtml(config, subject, m.text, m.period, m.zone, m.span, m.charts);
  const draft: DraftMessage = {
    kind: m.kind,
    messageId: draftMessageId(key, m.kind, config.identity.from),
    from: config.identity.from,
    to: list?.address ?? '',
    subject,
    inReplyTo: null,
    references: [],
    tlp: m.tlp,
    text: m.text,
    sourceMessageId: key,
  };
  return { draft, html, charts };
}

/**
 * The charts of a digest or an overview, and its HTML part: the text again with the charts inline.
 * The text part stays whole on its own, since many lists strip every other part.
 */
export async function chartedHtml(
  config: Config,
  subject: string,
  text: string,
  period: string,
  zone: string,
  span: 'week' | 'day',
  ports: Array<{ proto: Proto; port: number; points: ChartPoint[] }>,
): Promise<{ html: string; charts: Digest['charts'] }> {
  // Vega and resvg are heavy to load; only a message with charts pays for them, not every command.
  const { hourlyChart } = await import('../digest/chart.ts');
  const charts = await Promise.all(
    ports.map(async (c) => {
      const label = portLabel(c.port, c.proto);
      const { png } = await hourlyChart({
        title: `${label}  ${period}`,
        subtitle: bandLabel(config),
        points: c.points,
        zone,
        span,
      });
      return { name: `${c.proto}-${c.port}.png`, cid: `chart-${c.proto}-${c.port}-${period}@kansoku`, png, label };
    }),
  );
  const html = renderTemplate(config.draft.templates, HTML_PART, {
    subject,
    text,
    charts: charts.map((c) => ({
      cid: c.cid,
      alt: `${c.label} hourly events`,
      caption: `${c.label}: 時間別件数 / hourly events`,
    })),
  });
  return { html, charts: charts.map((c) => ({ name: c.name, png: c.png, cid: c.cid })) };
}

/** The weekly digest to the list: the week's events, changes and gaps, with charts. */
export const digest: KindSpec<DigestInput, Promise<Digest>> = {
  body: 'digest',
  parts: [HTML_PART],
  view: digestView,
  render: renderDigest,
  fileName: (i) => `digest-${i.data.week.id}.eml`,
};
