import { DateTime } from 'luxon';
import type { Config } from '../config/schema.ts';
import type { OverviewData } from '../digest/overview.ts';
import type { Tlp } from '../model.ts';
import { digestList, HTML_PART, periodicMessage, type Digest } from './digest.ts';
import { countryJa, hourEn, hourJa, num, percent, ratioText, WEEK_JA, zoneAbbr } from './format.ts';
import { bilingualText, messageTlp, type KindSpec } from './render.ts';
import { portLabel, TLP_EN, TLP_JA } from './view.ts';

export interface OverviewInput {
  data: OverviewData;
  config: Config;
}

const BLOCKS = '▁▂▃▄▅▆▇█';

/** A day's hours as one line of blocks, scaled to its busiest hour; an hour without data is a dot. */
export function sparkline(values: Array<number | null>): string {
  const max = Math.max(0, ...values.map((v) => v ?? 0));
  return values.map((v) => (v === null ? '·' : BLOCKS[max ? Math.min(7, Math.floor((v / max) * 7.999)) : 0]!)).join('');
}

/** 「オランダ・ブルガリア」 / "NL and BG": the countries that drive a rise. */
function drivers(cc: string[]): { ja: string | null; en: string | null } {
  if (!cc.length) return { ja: null, en: null };
  return {
    ja: cc.map(countryJa).join('・'),
    en: cc.length === 1 ? cc[0]! : `${cc.slice(0, -1).join(', ')} and ${cc.at(-1)}`,
  };
}

/** The overview's facts, each formatted for each language; the sentences live in the templates. */
export function overviewView({ data, config }: OverviewInput) {
  const { zone } = data.day;
  const list = digestList(config);
  const tlp: Tlp = messageTlp([], list, config);
  const d = DateTime.fromJSDate(data.day.start, { zone });
  const dayStart = data.day.start.getTime();
  const dayEnd = data.day.end.getTime();
  return {
    tlp,
    listName: list?.name ?? null,
    nameJa: config.identity.nameJa,
    nameEn: config.identity.nameEn,
    tlpJa: TLP_JA[tlp],
    tlpEn: TLP_EN[tlp],
    dayJa: `${d.year}年${d.month}月${d.day}日（${WEEK_JA[d.weekday - 1]}）`,
    dayEn: d.setLocale('en').toFormat('ccc d LLL yyyy'),
    zoneAbbr: zoneAbbr(d),
    quiet: data.notable.length === 0 && data.backscatter.length === 0,
    notable: data.notable.map((a) => {
      const by = drivers(a.countries.map((c) => c.cc));
      const endedToday = a.end !== null && Date.parse(a.end) <= dayEnd;
      return {
        label: portLabel(a.port, a.proto),
        startedToday: Date.parse(a.start) >= dayStart,
        startJa: hourJa(a.start, zone),
        startEn: hourEn(a.start, zone),
        endJa: endedToday ? hourJa(a.end!, zone) : null,
        endEn: endedToday ? hourEn(a.end!, zone) : null,
        byJa: by.ja,
        byEn: by.en,
        wokeUp: a.kind === 'new',
        ratio: ratioText(a.ratio),
        peakJa: hourJa(a.peak.hour, zone),
        peakEn: hourEn(a.peak.hour, zone),
        peakEvents: num(a.peak.events),
        sources: num(a.sources),
      };
    }),
    backscatter: data.backscatter.map((a) => ({
      servicePort: a.port,
      startJa: hourJa(a.start, zone),
      startEn: hourEn(a.start, zone),
      sources: num(a.sources),
      peakEvents: num(a.peak.events),
    })),
    topPorts: data.topPorts.map((t) => ({
      label: portLabel(t.port, t.proto),
      events: num(t.events),
      share: percent(t.share),
    })),
    topCountries: data.topCountries.map((c) => ({ nameJa: countryJa(c.cc), cc: c.cc, share: percent(c.share) })),
    totalEvents: num(data.totalEvents),
    gaps: data.gaps.map((g) => ({
      fromJa: hourJa(g.from, zone),
      toJa: hourJa(g.to, zone),
      fromEn: hourEn(g.from, zone),
      toEn: hourEn(g.to, zone),
      hours: g.hours,
    })),
    sparklines: data.charts.map((c) => ({
      label: portLabel(c.port, c.proto).padEnd(9),
      line: sparkline(c.day),
      max: num(Math.max(0, ...c.day.map((v) => v ?? 0))),
    })),
    charts: data.charts.length > 0,
    hoursWithData: data.hoursWithData,
    hoursInDay: data.hoursInDay,
    baselineHours: config.correlate.baselineHours,
    sigma: config.correlate.sigma,
  };
}

/**
 * The daily overview as one message: the text part (Japanese, then English) says it all, with an
 * hourly sparkline per port for lists that strip other parts; the HTML part adds the charts.
 */
export async function renderOverview(input: OverviewInput): Promise<Digest> {
  const { data, config } = input;
  const view = overviewView(input);
  return periodicMessage(config, {
    kind: 'overview',
    period: data.day.id,
    title: `ポートスキャン概況（${view.dayJa}） / Daily port-scan overview ${data.day.id}`,
    tlp: view.tlp,
    text: bilingualText(config.draft.templates, overview.body, view),
    zone: data.day.zone,
    span: 'day',
    charts: data.charts,
  });
}

/** The daily port-scan overview to the list: the day's rises, what ended, backscatter, gaps, charts. */
export const overview: KindSpec<OverviewInput, Promise<Digest>> = {
  body: 'overview',
  parts: [HTML_PART],
  view: overviewView,
  render: renderOverview,
  fileName: (i) => `overview-${i.data.day.id}.eml`,
};
