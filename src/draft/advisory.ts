import type { Config } from '../config/schema.ts';
import { subjectWithTlp } from '../extract/tlp.ts';
import type { Anomaly, DraftMessage, Finding } from '../model.ts';
import { countryJa, dateTimeEn, dateTimeJa, num, percent } from './format.ts';
import { emlName } from './reply.ts';
import { bilingualText, draftMessageId, listById, messageTlp, type KindSpec } from './render.ts';
import { coverage, portView, TLP_EN, TLP_JA } from './view.ts';

/** A finding of our own counters that calls a port elevated: what an advisory is written from. */
export type ElevatedFinding = Finding & { verdict: 'elevated'; currentHour: string; current: number };

export interface AdvisoryInput {
  finding: ElevatedFinding;
  /** What detection found of the rise: its kind, distinct sources and the countries driving it. */
  anomaly?: Anomaly;
  /** The List-Id of the list it goes to; null when none is configured (it then goes nowhere). */
  listId: string | null;
  config: Config;
}

/**
 * The advisory's facts, all from the finding (and the band's settings from the config): the
 * port, the hour in JST and UTC, the count against the baseline's mean and band, the ratio, the
 * onset, the peak and the distinct sources. Nothing the finding does not hold is shown.
 */
export function advisoryData({ finding, anomaly, listId, config }: AdvisoryInput) {
  const list = listById(listId, config);
  const tlp = messageTlp([], list, config);
  const zone = config.draft.localTimezone;
  const countries = anomaly?.countries ?? [];
  return {
    wokeUp: anomaly?.kind === 'new',
    runSources: anomaly ? num(anomaly.sources) : null,
    driversJa: countries.length ? countries.map((c) => `${countryJa(c.cc)} ${percent(c.share)}`).join('、') : null,
    driversEn: countries.length ? countries.map((c) => `${c.cc} ${percent(c.share)}`).join(', ') : null,
    ...portView(finding, zone),
    ...coverage(finding.coverage.hoursWithData, finding.coverage.hoursInWindow),
    tlp,
    tlpJa: TLP_JA[tlp],
    tlpEn: TLP_EN[tlp],
    listName: list?.name ?? null,
    nameJa: config.identity.nameJa,
    nameEn: config.identity.nameEn,
    dateJa: dateTimeJa(finding.currentHour, zone),
    dateEn: dateTimeEn(finding.currentHour, zone),
    manySources: (finding.currentSources ?? 0) > 1,
    baselineHours: config.correlate.baselineHours,
    sigma: config.correlate.sigma,
  };
}

/** One advisory per rise: its port and the hour it began (the latest hour when no onset was found). */
function advisoryKey(f: ElevatedFinding): string {
  return `advisory:${f.proto ?? 'port'}/${f.port}:${f.onset ?? f.currentHour}`;
}

/**
 * Our own advisory to a list when our counters show a port elevated: bilingual, Japanese first,
 * in the layout of a published advisory (概要, 当方での観測, 分析, 検知方法, 情報ソース) and with
 * what we ask of the list's members.
 */
export function renderAdvisory(input: AdvisoryInput): DraftMessage {
  const { finding, config } = input;
  const view = advisoryData(input);
  const key = advisoryKey(finding);
  const tag = view.listName ? `[${view.listName}] ` : '';
  return {
    kind: 'advisory',
    messageId: draftMessageId(key, 'advisory', config.identity.from),
    from: config.identity.from,
    to: listById(input.listId, config)?.address ?? '',
    subject: subjectWithTlp(
      `${tag}注意喚起：${view.label}宛てのスキャン増加 / Advisory: rising scans to ${view.label}`,
      view.tlp,
    ),
    inReplyTo: null,
    references: [],
    tlp: view.tlp,
    text: bilingualText(config.draft.templates, advisory.body, view),
    sourceMessageId: key,
  };
}

/** Our own advisory for a port our counters show elevated. */
export const advisory: KindSpec<AdvisoryInput, DraftMessage> = {
  body: 'advisory',
  parts: [],
  view: advisoryData,
  render: renderAdvisory,
  fileName: (i, d) => `advisory-${emlName(i.finding.currentHour, [i.finding], d.messageId)}`,
};
