import ipaddr from 'ipaddr.js';

type Range = [ipaddr.IPv4 | ipaddr.IPv6, number];

const V4 = /(?<![\w.])(\d{1,3}(?:\.\d{1,3}){3})(?!\d)/g;
const V6 = /(?<![\w:.])((?:[0-9A-Fa-f]{1,4}:){1,7}(?::|(?::[0-9A-Fa-f]{1,4}){1,7}|[0-9A-Fa-f]{1,4})?)(?![\w:])/g;

/** Placeholder networks: A.B.C, D.E.F, ... as list members anonymise their own space. */
function label(n: number, width: number): string {
  const letters = Array.from({ length: width }, (_, i) => {
    const k = n * width + i;
    return k < 26 ? String.fromCharCode(65 + k) : `X${k - 25}`;
  });
  return letters.join(width === 3 ? '.' : ':');
}

/**
 * Replaces the operator's own addresses with placeholders, consistently: every address of one
 * /24 (IPv4) or /64 (IPv6) gets the same placeholder network and keeps its host part, so
 * 198.51.100.50 reads A.B.C.50 everywhere in a draft and across drafts of one run.
 */
export class Redactor {
  private readonly ranges: Range[];
  private readonly nets = new Map<string, string>();

  constructor(prefixes: string[]) {
    this.ranges = prefixes.map((p) => ipaddr.parseCIDR(p));
  }

  private ours(addr: ipaddr.IPv4 | ipaddr.IPv6): boolean {
    return this.ranges.some(([net, bits]) => net.kind() === addr.kind() && addr.match([net, bits] as never));
  }

  redact(text: string): string {
    if (this.ranges.length === 0) return text;
    return text
      .replace(V4, (m) => {
        if (!ipaddr.IPv4.isValidFourPartDecimal(m)) return m;
        const a = ipaddr.IPv4.parse(m);
        if (!this.ours(a)) return m;
        const o = a.octets;
        return `${this.net(`${o[0]}.${o[1]}.${o[2]}`, 3)}.${o[3]}`;
      })
      .replace(V6, (m) => {
        if (!m.includes(':') || !ipaddr.IPv6.isValid(m)) return m;
        const a = ipaddr.IPv6.parse(m);
        if (!this.ours(a)) return m;
        const p = a.parts;
        return `${this.net(p.slice(0, 4).join(':'), 4)}::${p[7]!.toString(16)}`;
      });
  }

  private net(key: string, width: number): string {
    let l = this.nets.get(key);
    if (!l) {
      l = label(this.nets.size, width);
      this.nets.set(key, l);
    }
    return l;
  }
}
