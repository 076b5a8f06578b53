import { tallyOf } from './tally.ts';
import type { Store } from '../store/index.ts';

/** An event as `kansoku events --json` prints it (DESIGN.md contract, plus a few fields). */
export function eventSummary(store: Store, id: number) {
  const e = store.events.get(id)!;
  const { byOrg, unverified, ...tally } = tallyOf(store.events.sightings(id));
  return {
    id: e.id,
    proto: e.proto,
    port: e.port,
    firstSeen: e.firstSeen,
    lastSeen: e.lastSeen,
    verdict: e.lastVerdict,
    tally,
    byOrg,
    unverified,
    sightings: store.events.sightings(id).map((s) => ({
      messageId: s.messageId,
      verdict: s.verdict,
      org: s.org,
      counted: s.counted,
      why: s.why,
      counts: s.counts,
      at: s.at,
    })),
  };
}

export type EventSummary = ReturnType<typeof eventSummary>;
