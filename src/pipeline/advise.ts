/**
 * Our own advisories: after the counters grow, detection looks for rises that nobody on the list
 * has posted about, and drafts one advisory per rise for a person to review. The correlator must
 * agree that the port is elevated now: what we tell peers stands on two readings of our counters.
 */
import type { Context } from '../context.ts';
import { judgePort } from '../correlate/correlate.ts';
import { detect } from '../detect/detect.ts';
import type { ElevatedFinding } from '../draft/advisory.ts';
import { kinds } from '../draft/kinds.ts';
import type { Anomaly, Finding } from '../model.ts';
import { HOUR_MS, hourAt } from '../time.ts';
import { insertDraft, prepareDraft } from './drafts.ts';
import { runUpdates, spokeOn } from './updates.ts';
import type { RunSummary } from './message.ts';

const DAY_MS = 24 * HOUR_MS;

/** Why an anomaly gets no advisory; null when it gets one. */
function notWorthIt(a: Anomaly, ctx: Context): string | null {
  const { advisory } = ctx.config;
  if (a.kind === 'backscatter') return 'backscatter: a flood against someone else, for the daily overview';
  if (a.end !== null) return 'over already';
  if (a.ratio < advisory.minRatio) return `ratio ${a.ratio} under advisory.minRatio ${advisory.minRatio}`;
  if (a.sources < advisory.minSources) return `${a.sources} sources under advisory.minSources ${advisory.minSources}`;
  return null;
}

/** A TCP rise made mostly of packets that are not SYNs is replies or backscatter, not a scan to warn of. */
const MIN_SYN_SHARE = 0.5;
function notAScan(f: Finding): boolean {
  return f.proto === 'tcp' && f.evidence?.synOnly !== null && f.evidence?.synOnly !== undefined
    ? f.evidence.synOnly < MIN_SYN_SHARE
    : false;
}

/**
 * Detects anomalies up to the last hour with sensor data, ends the events whose rise is over, and
 * drafts the advisories and follow-ups due. Returns the drafts made; each is also in `summary.drafts`.
 */
export async function advise(ctx: Context, summary: RunSummary): Promise<number[]> {
  const { store, config, log } = ctx;
  const last = store.counters.lastCoveredHour(hourAt(ctx.clock.now().getTime()));
  if (last === null) return [];
  const list = config.advisory.list ? config.lists.find((l) => l.name === config.advisory.list) : config.lists[0];
  if (!list) {
    log.debug('no list configured: no advisories');
    return [];
  }
  const until = last + 1;
  const at = new Date(until * HOUR_MS);
  const made: number[] = [];
  const anomalies = detect(store.counters, { since: until - config.detect.days * 24, until }, config.detect);
  closeEnded(ctx, anomalies);
  // The strongest first: advisory.maxPerDay keeps the rises that matter most, not the earliest.
  for (const a of [...anomalies].sort((x, y) => y.ratio - x.ratio)) {
    const skip = notWorthIt(a, ctx);
    const port = `${a.proto}/${a.port}`;
    if (skip) {
      log.debug({ port, skip }, 'no advisory');
      continue;
    }
    // Members are talking about it already: our reply in their thread is our word.
    if (store.events.findOpen(a.proto, a.port, at.toISOString(), config.events.windowHours)) {
      log.info({ port }, 'rise already on the list: no advisory');
      continue;
    }
    const finding = judgePort(a.proto, a.port, store.counters, at, config.correlate, []);
    if (notAScan(finding)) {
      log.info({ port, synOnly: finding.evidence?.synOnly }, 'rise made mostly of non-SYN packets: no advisory');
      continue;
    }
    if (finding.verdict !== 'elevated' || !finding.currentHour) {
      log.info(
        { port, verdict: finding.verdict },
        'detection saw a rise the correlator does not call elevated now: no advisory',
      );
      continue;
    }
    const input = { finding: finding as ElevatedFinding, anomaly: a, listId: list.listId, config };
    const draft = kinds.advisory.render(input);
    if (store.drafts.byMessageId(draft.messageId)) continue;
    const sent = store.drafts.countSince('advisory', new Date(Date.now() - DAY_MS).toISOString());
    if (sent >= config.advisory.maxPerDay) {
      log.warn({ port, maxPerDay: config.advisory.maxPerDay }, 'advisory.maxPerDay reached: advisory left out');
      continue;
    }
    const prepared = await prepareDraft(ctx, draft, kinds.advisory.fileName!(input, draft));
    const id = store.transaction(() => {
      store.lock('kansoku-pipeline');
      if (store.drafts.byMessageId(draft.messageId)) return null;
      const id = insertDraft(ctx, prepared);
      // An event of its own, so that members' replies to the advisory count as sightings and
      // later posts on the port join it.
      const event = store.events.create(a.proto, a.port, a.start, draft.messageId, prepared.draft.subject);
      store.events.link(event.id, draft.messageId, 'draft', at.toISOString(), finding);
      store.events.setVerdict(event.id, 'elevated');
      return id;
    });
    if (id === null) continue;
    log.info({ port, draft: id, ratio: a.ratio, sources: a.sources }, 'advisory drafted');
    summary.drafts.push({ id, subject: prepared.draft.subject, path: prepared.path });
    made.push(id);
  }
  made.push(...(await runUpdates(ctx, summary)));
  return made;
}

/**
 * Events our counters called elevated whose port is back to its usual level: ended at the end of
 * the latest run detection found on the port, with an "ended" follow-up when the list heard from
 * us on it. A port whose rise detection does not see in its window is left as it is.
 */
function closeEnded(ctx: Context, anomalies: Anomaly[]): void {
  const { store } = ctx;
  for (const e of store.events.elevatedOpen()) {
    const runs = anomalies.filter((a) => a.proto === e.proto && a.port === e.port && a.kind !== 'backscatter');
    if (!runs.length || runs.some((a) => a.end === null)) continue;
    const end = runs
      .map((a) => a.end!)
      .sort()
      .at(-1)!;
    // A run that ended before the event began is not the event's.
    if (Date.parse(end) <= Date.parse(e.firstSeen)) continue;
    store.transaction(() => {
      store.events.end(e.id, end);
      if (spokeOn(ctx, e.id)) store.events.claimUpdate(e.id, 'ended', end, { at: end });
    });
    ctx.log.info({ event: e.id, port: `${e.proto}/${e.port}`, end }, 'event ended');
  }
}
