import type { NetworkMatch, OwnNetworks } from '../extract/notations.ts';

/** Gives each of our network keys a number once per deployment (the store's placeholders table). */
export interface PlaceholderBook {
  index(net: string): number;
}

/** A book for a run without a store (a dry run, a test): consistent within the process. */
export function memoryBook(): PlaceholderBook {
  const nets = new Map<string, number>();
  return {
    index(net) {
      let n = nets.get(net);
      if (n === undefined) nets.set(net, (n = nets.size));
      return n;
    },
  };
}

/** Placeholder networks as list members anonymise their own space: A.B.C, D.E.F, ... */
function letters(n: number, width: number): string[] {
  return Array.from({ length: width }, (_, i) => {
    const k = n * width + i;
    return k < 26 ? String.fromCharCode(65 + k) : `X${k - 25}`;
  });
}

const LETTER = '(?:[A-Z]|X\\d+)';
/**
 * A placeholder of ours as it stands in a text (A.B.C.50, A.B.C.x, 50.C.B.A, A:B:C:D::1, A:B:C:D::/64),
 * for a reviewer's page to mark.
 */
export const PLACEHOLDER = new RegExp(
  `(?<![\\w.:])(?:${LETTER}(?:\\.${LETTER}){2}\\.(?:\\d{1,3}|x)|\\d{1,3}(?:\\.${LETTER}){3}|` +
    `${LETTER}(?::${LETTER}){3}::(?:/64|[0-9a-f]{1,4}(?::[0-9a-f]{1,4}){0,3}))(?![\\w])`,
  'g',
);

/**
 * Replaces the operator's own addresses, in every notation the scanner reads, with placeholders:
 * every address of one /24 (IPv4) or /64 (IPv6) gets the same placeholder network in every draft
 * of the deployment and keeps its host part, so 198.51.100.50 reads A.B.C.50 everywhere.
 */
export class Redactor {
  constructor(
    private readonly networks: OwnNetworks,
    private readonly book: PlaceholderBook,
  ) {}

  redact(text: string): string {
    if (this.networks.empty || !text) return text;
    const found = this.networks.find(text);
    if (!found.length) return text;
    let out = '';
    let at = 0;
    for (const m of found) {
      if (m.start < at) continue;
      out += text.slice(at, m.start) + this.placeholder(m);
      at = m.end;
    }
    return out + text.slice(at);
  }

  private placeholder(m: NetworkMatch): string {
    const parts = m.net.split(m.family === 4 ? '.' : ':');
    const l = letters(this.book.index(`${m.family}/${m.net}`), parts.length);
    if (m.family === 6) return m.host === null ? `${l.join(':')}::/64` : `${l.join(':')}::${m.host}`;
    if (m.host === null) return `${l.join('.')}.x`;
    return m.reversed ? `${m.host}.${[...l].reverse().join('.')}` : `${l.join('.')}.${m.host}`;
  }
}
