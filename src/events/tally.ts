import { mayGoToList } from '../extract/tlp.ts';
import type { SightingRow, SightingVerdict } from '../model.ts';

export interface Tally {
  confirm: number;
  deny: number;
  question: number;
  other: number;
}

export interface EventTally extends Tally {
  /** Each organisation's latest word. */
  byOrg: Record<string, SightingVerdict>;
  /** Replies from unknown senders or that failed authentication, counted apart. */
  unverified: Tally;
}

const zero = (): Tally => ({ confirm: 0, deny: 0, question: 0, other: 0 });

/** Organisations counted once each, by their latest word; everyone else counted apart. */
export function tallyOf(sightings: SightingRow[]): EventTally {
  const byOrg: EventTally['byOrg'] = {};
  const unverified = zero();
  for (const s of sightings) {
    if (s.counted && s.org) byOrg[s.org] = s.verdict;
    else unverified[s.verdict]++;
  }
  const t = zero();
  for (const v of Object.values(byOrg)) t[v]++;
  return { ...t, byOrg, unverified };
}

/** The sightings whose replies a list may see: a TLP:RED reply's word and numbers stay out. */
export function visibleSightings(sightings: SightingRow[]): SightingRow[] {
  return sightings.filter((s) => mayGoToList(s.tlp));
}
