import type { Config } from '../config/schema.ts';
import { tallyOf, visibleSightings } from '../events/tally.ts';
import type { DraftMessage, EventRow, Finding, SightingRow, Tlp, Verdict } from '../model.ts';
import { hourEn, hourJa, num, ratioText } from './format.ts';
import { subjectWithTlp, withoutTlpTags } from '../extract/tlp.ts';
import { withoutRe } from '../mail/reply-text.ts';
import { bilingualText, draftMessageId, listById, messageTlp, type KindSpec } from './render.ts';
import { portLabel, TLP_EN, TLP_JA, VERDICT_EN, VERDICT_JA } from './view.ts';

export type FollowUpTrigger =
  { kind: 'confirmations' } | { kind: 'verdict'; from: Verdict; to: Verdict } | { kind: 'ended'; at: string };

export interface FollowUpInput {
  event: EventRow;
  trigger: FollowUpTrigger;
  /** Every sighting of the event; those a list may not see are left out here, with a line saying so. */
  sightings: SightingRow[];
  latest: Finding | null;
  /** Message-IDs already in the thread (the report, our reply), for References. */
  thread: string[];
  reportTlp: Tlp | null;
  /** The list the event's first post came through. */
  listId: string | null;
  config: Config;
}

const COUNT_JA: Record<string, string> = { sources: '送信元', targets: '宛先', packets: 'イベント' };

/**
 * The follow-up's facts: who confirmed (by organisation, or only how many where the list prefers
 * anonymity), the numbers they gave, and ours.
 */
export function followUpData(i: FollowUpInput) {
  const { config, event } = i;
  const list = listById(i.listId, config);
  const anonymous = list?.anonymous ?? false;
  const shared = visibleSightings(i.sightings);
  const withheld = i.sightings.length - shared.length;
  const tally = tallyOf(shared);
  const tlp: Tlp = messageTlp([i.reportTlp, ...shared.map((s) => s.tlp)], list, config);
  const label = portLabel(event.port, event.proto);
  const orgsWith = (v: string) =>
    Object.entries(tally.byOrg)
      .filter(([, x]) => x === v)
      .map(([o]) => o)
      .sort();
  const numbers = shared
    .filter((s) => s.counted && s.counts && Object.keys(s.counts).length)
    .map((s, n) => ({
      who: anonymous ? `${n + 1}` : s.org!,
      ja: Object.entries(s.counts!)
        .map(([k, v]) => `${COUNT_JA[k] ?? k} ${num(v)}`)
        .join('、'),
      en: Object.entries(s.counts!)
        .map(([k, v]) => `${num(v)} ${k}`)
        .join(', '),
    }));
  const f = i.latest;
  const unverified = Object.values(tally.unverified).reduce((a, b) => a + b, 0);
  return {
    tlp,
    listName: list?.name ?? null,
    nameJa: config.identity.nameJa,
    nameEn: config.identity.nameEn,
    label,
    tlpJa: TLP_JA[tlp],
    tlpEn: TLP_EN[tlp],
    anonymous,
    confirmations: i.trigger.kind === 'confirmations',
    ended:
      i.trigger.kind === 'ended'
        ? { ja: hourJa(i.trigger.at, config.draft.localTimezone), en: hourEn(i.trigger.at, config.draft.localTimezone) }
        : null,
    verdictChange:
      i.trigger.kind === 'verdict'
        ? {
            fromJa: VERDICT_JA[i.trigger.from],
            toJa: VERDICT_JA[i.trigger.to],
            fromEn: VERDICT_EN[i.trigger.from],
            toEn: VERDICT_EN[i.trigger.to],
          }
        : null,
    tally,
    withheld,
    confirmOrgs: anonymous ? '' : orgsWith('confirm').join('、'),
    confirmOrgsEn: anonymous ? '' : orgsWith('confirm').join(', '),
    denyOrgs: anonymous ? '' : orgsWith('deny').join('、'),
    denyOrgsEn: anonymous ? '' : orgsWith('deny').join(', '),
    unverified,
    numbers,
    ours: f
      ? {
          verdictJa: VERDICT_JA[f.verdict],
          verdictEn: VERDICT_EN[f.verdict],
          current: num(f.current),
          ratio: f.ratio === null ? null : ratioText(f.ratio),
        }
      : null,
  };
}

/** What made a follow-up due; an event gets one follow-up for each. */
export function triggerKey(t: FollowUpTrigger): string {
  return t.kind === 'verdict' ? `verdict:${t.to}` : t.kind;
}

/** A follow-up in the thread of an event, to the list its first post came through. */
export function renderFollowUp(i: FollowUpInput): DraftMessage {
  const { config, event } = i;
  const list = listById(i.listId, config);
  const view = followUpData(i);
  const { tlp, label } = view;
  const text = bilingualText(config.draft.templates, followup.body, view);
  const base = withoutRe(withoutTlpTags(event.subject ?? label));
  let subject = `Re: ${base}`;
  if (!new RegExp(`\\b${event.port}\\b`).test(subject)) subject += ` (${label})`;
  const key = `event:${event.id}:${triggerKey(i.trigger)}`;
  return {
    kind: 'followup',
    messageId: draftMessageId(key, 'followup', config.identity.from),
    from: config.identity.from,
    to: list?.address ?? '',
    subject: subjectWithTlp(subject, tlp),
    inReplyTo: event.firstMessage,
    references: [...new Set([event.firstMessage, ...i.thread])],
    tlp,
    text,
    sourceMessageId: key,
  };
}

/** A follow-up in an event's thread: members' confirmations came in, or our own verdict changed. */
export const followup: KindSpec<FollowUpInput, DraftMessage> = {
  body: 'followup',
  parts: [],
  view: followUpData,
  render: renderFollowUp,
  fileName: (i) => `followup-event${i.event.id}-${triggerKey(i.trigger).replace(/[^a-z0-9-]/gi, '-')}.eml`,
};
