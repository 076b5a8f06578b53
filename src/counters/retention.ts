import type { Config } from '../config/schema.ts';
import type { Store } from '../store/index.ts';
import { HOUR_MS } from '../time.ts';

/** Drops rollups older than counters.retentionDays and raw events older than counters.recentDays. */
export function pruneCounters(
  store: Pick<Store, 'counters'>,
  config: Config,
  now: Date,
): { rollups: number; recent: number } {
  const t = now.getTime();
  return store.counters.prune(
    Math.floor((t - config.counters.retentionDays * 86_400_000) / HOUR_MS),
    t - config.counters.recentDays * 86_400_000,
  );
}
