import { event, flagsFromWords, leadingTimestamp, port, protoOf, type LogFormat } from './common.ts';

const FLAG_WORD = /^(CWR|ECE|URG|ACK|PSH|RST|SYN|FIN)$/;

/**
 * `KEY=value` from the packet's own part of the line (an ICMP error's quoted packet sits in [...]).
 * A scan with indexOf: this runs several times per line at sensor rates.
 */
function field(head: string, key: string): string | undefined {
  const needle = `${key}=`;
  for (let at = head.indexOf(needle); at >= 0; at = head.indexOf(needle, at + 1)) {
    const before = at === 0 ? ' ' : head[at - 1]!;
    if (before !== ' ' && before !== '\t' && before !== ']' && before !== ':' && before !== ')') continue;
    const start = at + needle.length;
    let end = start;
    while (end < head.length && head[end] !== ' ' && head[end] !== '\t') end++;
    return head.slice(start, end);
  }
  return undefined;
}

/** The log prefix the rule set chose: "[UFW BLOCK]", "Shorewall:net2fw:DROP:", "IPTables Dropped:". */
function action(prefix: string): string | null {
  let p = prefix.replace(/^\s*\[\s*\d+\.\d+\]\s*/, '').trim();
  const shorewall = /Shorewall:[^:\s]*:([A-Z_]+):?$/.exec(p);
  if (shorewall) return shorewall[1]!;
  const bracket = /^\[([^\]]+)\]$/.exec(p);
  if (bracket) return bracket[1]!.trim();
  p = p.replace(/^(?:ip6?tables|nft)\s+/, '').replace(/:$/, '').trim();
  return p || null;
}

/**
 * Linux netfilter LOG target lines (iptables, nftables log, ufw, Shorewall, firewalld, OpenWrt,
 * EdgeOS): `... kernel: PREFIX IN=eth0 OUT= ... SRC=a DST=b ... PROTO=TCP SPT=1 DPT=2 ... SYN URGP=0`.
 */
export const netfilter: LogFormat = {
  id: 'netfilter',
  description: 'Linux netfilter / iptables LOG lines (also ufw, Shorewall)',
  sniff: (t) => t.includes('SRC=') && t.includes('DST=') && t.includes('PROTO='),
  parse(text, time) {
    const inAt = text.indexOf('IN=');
    const srcAt = text.indexOf('SRC=');
    if (srcAt < 0) return null;
    const quoted = text.indexOf('[SRC=', srcAt);
    const head = quoted > 0 ? text.slice(0, quoted) : text;
    const src = field(head, 'SRC');
    const dst = field(head, 'DST');
    const protoText = field(head, 'PROTO');
    if (!src || !dst || !protoText) return null;
    const proto = protoOf(protoText);
    const spt = field(head, 'SPT');
    const dpt = field(head, 'DPT');
    if ((proto === 'tcp' || proto === 'udp') && (spt === undefined || dpt === undefined)) return null;
    const ts = leadingTimestamp(text, time);
    let prefixText = text.slice(ts?.end ?? 0, inAt >= 0 ? inAt : srcAt);
    const kernel = prefixText.indexOf('kernel:');
    if (kernel >= 0) prefixText = prefixText.slice(kernel + 7);
    let flagsText: string | null = null;
    if (proto === 'tcp') {
      const words: string[] = [];
      const after = head.slice(head.search(/\sRES=|\sWINDOW=/) + 1).split(/\s+/);
      for (const w of after) {
        if (w.startsWith('URGP=')) break;
        if (FLAG_WORD.test(w)) words.push(w);
      }
      flagsText = words.join(' ');
    }
    const ttl = Number(field(head, 'TTL'));
    const ipId = Number(field(head, 'ID'));
    const e = event('netfilter', text, {
      ts: ts?.ts ?? null,
      tsText: ts?.tsText ?? null,
      src,
      spt: proto === 'tcp' || proto === 'udp' ? port(spt) : null,
      dst,
      dpt: proto === 'tcp' || proto === 'udp' ? port(dpt) : null,
      proto,
      flags: flagsText === null ? null : flagsFromWords(flagsText),
      flagsText,
      action: action(prefixText),
    });
    if (Number.isInteger(ttl)) e.ttl = ttl;
    if (Number.isInteger(ipId)) e.ipId = ipId;
    return e;
  },
};
