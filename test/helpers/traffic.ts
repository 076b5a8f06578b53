/**
 * Ordinary sensor traffic for detection tests: hourly counts with a daily and a weekly cycle and
 * more spread than Poisson (gamma-Poisson), from a seeded generator so that a failure repeats.
 */

/** mulberry32: small, seeded, good enough for test traffic. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function gaussian(r: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
}

/** Marsaglia and Tsang's gamma draw (shape k, scale 1). */
function gamma(r: () => number, k: number): number {
  if (k < 1) return gamma(r, k + 1) * r() ** (1 / k);
  const d = k - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = gaussian(r);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = r();
    if (u < 1 - 0.0331 * x ** 4 || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}

export function poisson(r: () => number, lambda: number): number {
  if (lambda <= 0) return 0;
  if (lambda > 50) return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * gaussian(r)));
  const l = Math.exp(-lambda);
  let k = 0;
  let p = 1;
  do {
    k++;
    p *= r();
  } while (p > l);
  return k - 1;
}

export interface PortTraffic {
  /** Mean events per hour. */
  level: number;
  /** Depth of the daily cycle (0: flat). */
  daily: number;
  /** Weekdays above, weekends below, by this share. */
  weekly: number;
  /** Spread beyond Poisson, as a share of the rate. */
  spread: number;
}

/** The rate of an hour (hour 0 is a Monday 00:00 UTC) before noise. */
export function rateAt(t: PortTraffic, h: number): number {
  const day = Math.floor(h / 24) % 7;
  const weekly = day < 5 ? 1 + t.weekly : 1 - t.weekly * 2.5;
  return t.level * (1 + t.daily * Math.sin((2 * Math.PI * ((h % 24) - 8)) / 24)) * weekly;
}

/** `hours` of counts of one port, with gamma-Poisson noise. */
export function traffic(r: () => number, t: PortTraffic, hours: number, scale: (h: number) => number = () => 1) {
  const x = new Float64Array(hours);
  const k = t.spread > 0 ? 1 / (t.spread * t.spread) : 0;
  for (let h = 0; h < hours; h++) {
    const rate = rateAt(t, h) * scale(h);
    x[h] = poisson(r, k ? (rate * gamma(r, k)) / k : rate);
  }
  return x;
}

/** A port of ordinary traffic drawn at random: from a few events a day to hundreds an hour. */
export function randomPort(r: () => number): PortTraffic {
  return {
    level: Math.exp(Math.log(0.3) + r() * (Math.log(300) - Math.log(0.3))),
    daily: r() * 0.6,
    weekly: r() * 0.25,
    spread: 0.05 + r() * 0.2,
  };
}
