import type { Proto } from '../model.ts';
import type { RollupCodec, CounterReader, RollupRow } from '../store/index.ts';
import { UniqueCounter } from './unique.ts';

/** One (hour, sensor, proto, port) bucket as the ingest stage rolls it up. Hours are epoch hours (UTC). */
export interface HourBucket {
  hour: number;
  sensor: string;
  proto: Proto;
  port: number;
  events: number;
  synOnly: number;
  sources: UniqueCounter;
  targets: UniqueCounter;
  nets24: UniqueCounter;
  countries: Map<string, UniqueCounter>;
}

export interface HourPoint {
  hour: number;
  events: number;
  sources: number;
  targets: number;
  nets24: number;
  synOnly: number;
  countries: Record<string, number>;
}

/**
 * A bucket's sets of sources per country as `[codes, ends, base64]`: all of them serialised into
 * one buffer, set i ending at ends[i], and that encoded at once. A busy hour has thousands, and
 * encoding each on its own, as `{"JP":"<base64>",...}`, took a third of the time a day of rollups
 * took to store; that form, which earlier versions wrote, is still read.
 */
function serializeCountries(m: Map<string, UniqueCounter>): string {
  const { bytes, ends } = UniqueCounter.serializeAll([...m.values()]);
  return JSON.stringify([[...m.keys()], ends, bytes.toString('base64')]);
}

function parseCountries(s: string): Map<string, UniqueCounter> {
  // A row read without its per-country sets.
  if (s === '') return new Map();
  const stored = JSON.parse(s) as [string[], number[], string] | Record<string, string>;
  if (!Array.isArray(stored))
    return new Map(Object.entries(stored).map(([cc, b]) => [cc, UniqueCounter.deserialize(Buffer.from(b, 'base64'))]));
  const [codes, ends, encoded] = stored;
  const bytes = Buffer.from(encoded, 'base64');
  return new Map(
    codes.map((cc, i) => [cc, UniqueCounter.deserialize(bytes.subarray(i === 0 ? 0 : ends[i - 1], ends[i]))]),
  );
}

function mergeCountries(into: Map<string, UniqueCounter>, from: Map<string, UniqueCounter>): void {
  for (const [cc, u] of from) {
    const mine = into.get(cc);
    if (mine) mine.merge(u);
    else into.set(cc, u);
  }
}

/**
 * How the store keeps buckets: their sets as bytes, merged here, set with set, when a bucket
 * meets a stored or staged row of the same hour, sensor, proto and port.
 */
export const rollupCodec: RollupCodec<HourBucket> = {
  events: (b) => b.events,
  row: (b) => ({
    hour: b.hour,
    sensor: b.sensor,
    proto: b.proto,
    port: b.port,
    events: b.events,
    synOnly: b.synOnly,
    sources: b.sources.count(),
    targets: b.targets.count(),
    nets24: b.nets24.count(),
    sourcesSketch: b.sources.serialize(),
    targetsSketch: b.targets.serialize(),
    nets24Sketch: b.nets24.serialize(),
    countries: serializeCountries(b.countries),
  }),
  bucket: (r) => ({
    hour: r.hour,
    sensor: r.sensor,
    proto: r.proto,
    port: r.port,
    events: r.events,
    synOnly: r.synOnly,
    sources: UniqueCounter.deserialize(r.sourcesSketch),
    targets: UniqueCounter.deserialize(r.targetsSketch),
    nets24: UniqueCounter.deserialize(r.nets24Sketch),
    countries: parseCountries(r.countries),
  }),
  merge(into, from) {
    into.events += from.events;
    into.synOnly += from.synOnly;
    into.sources.merge(from.sources);
    into.targets.merge(from.targets);
    into.nets24.merge(from.nets24);
    mergeCountries(into.countries, from.countries);
  },
};

/** One hour's rows (one per sensor) as one point: counts added, sets merged. */
function point(rows: RollupRow[]): HourPoint {
  const one = rows.length === 1;
  const countries = new Map<string, UniqueCounter>();
  const merged = { sources: new UniqueCounter(), targets: new UniqueCounter(), nets24: new UniqueCounter() };
  let events = 0;
  let synOnly = 0;
  for (const r of rows) {
    events += r.events;
    synOnly += r.synOnly;
    // A single row's counts were taken when it was written: its sets need not be read.
    if (!one) {
      merged.sources.merge(UniqueCounter.deserialize(r.sourcesSketch));
      merged.targets.merge(UniqueCounter.deserialize(r.targetsSketch));
      merged.nets24.merge(UniqueCounter.deserialize(r.nets24Sketch));
    }
    mergeCountries(countries, parseCountries(r.countries));
  }
  const r0 = rows[0]!;
  return {
    hour: r0.hour,
    events,
    synOnly,
    sources: one ? r0.sources : merged.sources.count(),
    targets: one ? r0.targets : merged.targets.count(),
    nets24: one ? r0.nets24 : merged.nets24.count(),
    countries: Object.fromEntries([...countries].map(([cc, u]) => [cc, u.count()])),
  };
}

/**
 * Points for the hours in [from, to] that have any events for this (proto, port): all sensors merged,
 * or one sensor's when named; without `countries`, their `countries` are empty and nothing of them is read.
 */
export function series(
  counters: Pick<CounterReader, 'rollups'>,
  proto: Proto,
  port: number,
  from: number,
  to: number,
  sensor?: string,
  { countries = true }: { countries?: boolean } = {},
): HourPoint[] {
  const rows = counters.rollups(proto, port, from, to, sensor, countries);
  const out: HourPoint[] = [];
  for (let i = 0; i < rows.length;) {
    let j = i;
    while (j < rows.length && rows[j]!.hour === rows[i]!.hour) j++;
    out.push(point(rows.slice(i, j)));
    i = j;
  }
  return out;
}

/** Stored rows as points, each on its own (`counters stats`). */
export function rowPoints(rows: RollupRow[]): Array<HourPoint & { sensor: string; proto: Proto; port: number }> {
  return rows.map((r) => ({ ...point([r]), sensor: r.sensor, proto: r.proto, port: r.port }));
}

/**
 * Distinct sources of this (proto, port) over the hours [from, to] as a whole (a source seen in
 * many hours counts once), and per country.
 */
export function distinctOver(
  counters: Pick<CounterReader, 'rollups'>,
  proto: Proto,
  port: number,
  from: number,
  to: number,
): { sources: number; countries: Record<string, number> } {
  const sources = new UniqueCounter();
  const countries = new Map<string, UniqueCounter>();
  for (const r of counters.rollups(proto, port, from, to)) {
    sources.merge(UniqueCounter.deserialize(r.sourcesSketch));
    mergeCountries(countries, parseCountries(r.countries));
  }
  return {
    sources: sources.count(),
    countries: Object.fromEntries([...countries].map(([cc, u]) => [cc, u.count()])),
  };
}
