// TEMPORARY stand-in while the full scanner lands (replaced in the same change).
import ipaddr from 'ipaddr.js';

export interface NetworkMatch {
  start: number;
  end: number;
  value: string;
  family: 4 | 6;
  net: string;
  host: string | null;
  reversed: boolean;
}

export class OwnNetworks {
  private readonly ranges: Array<[ipaddr.IPv4 | ipaddr.IPv6, number]>;
  readonly empty: boolean;
  constructor(prefixes: string[]) {
    this.ranges = prefixes.map((p) => ipaddr.parseCIDR(p));
    this.empty = this.ranges.length === 0;
  }
  contains(address: string): boolean {
    try {
      const a = ipaddr.parse(address);
      return this.ranges.some(([n, b]) => n.kind() === a.kind() && a.match([n, b] as never));
    } catch {
      return false;
    }
  }
  find(text: string): NetworkMatch[] {
    const out: NetworkMatch[] = [];
    for (const m of text.matchAll(/(?<![\d.])(\d{1,3}(?:\.\d{1,3}){3})(?![\d])/g)) {
      if (!ipaddr.IPv4.isValidFourPartDecimal(m[1]!) || !this.contains(m[1]!)) continue;
      const o = m[1]!.split('.');
      out.push({ start: m.index!, end: m.index! + m[1]!.length, value: m[1]!, family: 4, net: o.slice(0, 3).join('.'), host: o[3]!, reversed: false });
    }
    return out;
  }
}
