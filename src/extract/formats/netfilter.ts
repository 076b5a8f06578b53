import { event, flagsFromWords, leadingTimestamp, port, protoOf, type LogFormat } from './common.ts';
import { PROTO_ICMP, PROTO_TCP, PROTO_UDP, type LineClock, type PacketSlots } from './scan.ts';

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
    // Logged with --log-tcp-sequence: a scanner that keeps its sequence number is known by it.
    const seq = proto === 'tcp' ? field(head, 'SEQ') : undefined;
    if (seq !== undefined && /^\d{1,10}$/.test(seq) && Number(seq) <= 0xffffffff) e.seq = Number(seq);
    return e;
  },
  scan,
};

/** Whether the bytes at `at` are `word` (ASCII). */
function startsWith(buf: Buffer, at: number, end: number, word: Uint8Array): boolean {
  if (at + word.length > end) return false;
  for (let i = 0; i < word.length; i++) if (buf[at + i] !== word[i]) return false;
  return true;
}

const bytes = (s: string) => Buffer.from(s, 'latin1');
const SRC = bytes(' SRC='), DST = bytes(' DST='), TTL = bytes('TTL='), ID = bytes('ID='), PROTO = bytes('PROTO=');
const SPT = bytes(' SPT='), DPT = bytes(' DPT='), SEQ = bytes('SEQ='), WINDOW = bytes('WINDOW='), RES = bytes('RES='), URGP = bytes('URGP=');
/** Flag words by their three letters packed into one number. */
const FLAG_BITS = new Map(
  Object.entries({ FIN: 1, SYN: 2, RST: 4, PSH: 8, ACK: 16, URG: 32, ECE: 64, CWR: 128 }).map(([w, b]) => [(w.charCodeAt(0) << 16) | (w.charCodeAt(1) << 8) | w.charCodeAt(2), b]),
);

/** Where the last value read ended: the readers below return the value and leave its end here. */
let pos = 0;

/** A dotted quad without leading zeros up to a space (or the end), as a number; -1 otherwise. */
function readIPv4(buf: Buffer, p: number, end: number): number {
  let value = 0;
  for (let part = 0; part < 4; part++) {
    const first = p;
    let octet = 0;
    while (p < end) {
      const c = buf[p]!;
      if (c < 48 || c > 57) break;
      octet = octet * 10 + c - 48;
      p++;
    }
    const n = p - first;
    if (n === 0 || n > 3 || octet > 255 || (n > 1 && buf[first] === 48)) return -1;
    value = value * 256 + octet;
    if (part < 3) {
      if (buf[p] !== 46) return -1;
      p++;
    }
  }
  if (p < end && buf[p] !== 32) return -1;
  pos = p;
  return value;
}

/** A decimal number up to a space (or the end), no larger than `max`; -1 otherwise. */
function readUint(buf: Buffer, p: number, end: number, max: number): number {
  const first = p;
  let n = 0;
  while (p < end) {
    const c = buf[p]!;
    if (c === 32) break;
    if (c < 48 || c > 57 || p - first > 9) return -1;
    n = n * 10 + c - 48;
    p++;
  }
  if (p === first || n > max) return -1;
  pos = p;
  return n;
}

/** Past the token at `p` and the spaces after it: the start of the next token (or `end`); -1 at a tab. */
function nextToken(buf: Buffer, p: number, end: number): number {
  while (p < end) {
    const c = buf[p]!;
    if (c === 32) break;
    if (c === 9) return -1;
    p++;
  }
  while (p < end && buf[p] === 32) p++;
  return p;
}

/** TCP, UDP or ICMP, any case, up to a space; -1 for anything else (which `parse` then judges). */
function readProto(buf: Buffer, p: number, end: number): number {
  let q = p;
  while (q < end && buf[q] !== 32) q++;
  const n = q - p;
  const a = buf[p]! & 0xdf, b = buf[p + 1]! & 0xdf, c = buf[p + 2]! & 0xdf;
  pos = q;
  if (n === 3 && c === 80) {
    if (a === 84 && b === 67) return PROTO_TCP;
    if (a === 85 && b === 68) return PROTO_UDP;
  }
  if (n === 4 && a === 73 && b === 67 && c === 77 && (buf[p + 3]! & 0xdf) === 80) return PROTO_ICMP;
  return -1;
}

/**
 * The byte-level reading of a plain IPv4 netfilter line, for the lines a sensor writes by the
 * million. Netfilter writes its fields in one order (... SRC= DST= LEN= ... TTL= ID= ... PROTO=
 * SPT= DPT= ... WINDOW= RES= flags URGP=); this reads them in that order, in one pass, and gives
 * the same fields and flags as `parse`. IPv6, quoted ICMP errors, tabs, fields out of their order
 * and anything else odd are left to `parse`.
 */
function scan(buf: Buffer, start: number, end: number, out: PacketSlots, clock: LineClock): boolean {
  const ms = clock.read(buf, start, end);
  if (Number.isNaN(ms)) return false;
  // The prefix, IN=, OUT= and MAC= before SRC= are passed over by a native search.
  let p = buf.indexOf(SRC, clock.end - 1);
  if (p < 0 || p >= end) return false;
  const src = readIPv4(buf, p + 5, end);
  if (src < 0 || !startsWith(buf, pos, end, DST)) return false;
  const dst = readIPv4(buf, pos + 5, end);
  if (dst < 0) return false;
  let ttl = -1, ipId = -1, proto = -1;
  // LEN= TOS= PREC= TTL= ID= [CE] [DF] [MF] PROTO=
  for (p = nextToken(buf, pos, end); p < end && proto < 0; ) {
    const c = buf[p];
    if (c === 80 && startsWith(buf, p, end, PROTO)) {
      if ((proto = readProto(buf, p + 6, end)) < 0) return false;
      p = pos;
      break;
    }
    if (c === 84 && ttl < 0 && startsWith(buf, p, end, TTL)) {
      if ((ttl = readUint(buf, p + 4, end, 255)) < 0) return false;
    } else if (c === 73 && ipId < 0 && startsWith(buf, p, end, ID)) {
      if ((ipId = readUint(buf, p + 3, end, 65535)) < 0) return false;
    } else if (c === 91) return false;
    p = nextToken(buf, p, end);
    if (p < 0) return false;
  }
  if (proto < 0) return false;
  let spt = -1, dpt = -1, flags = 0, seq = -1;
  if (proto !== PROTO_ICMP) {
    if (!startsWith(buf, p, end, SPT) || (spt = readUint(buf, p + 5, end, 65535)) < 0) return false;
    if (!startsWith(buf, pos, end, DPT) || (dpt = readUint(buf, pos + 5, end, 65535)) < 0) return false;
    if (proto === PROTO_TCP) {
      // [SEQ= ACK=] WINDOW= RES= flag words URGP=: the flags are the words between RES=/WINDOW= and URGP=.
      let region = 0;
      for (p = nextToken(buf, pos, end); p < end; ) {
        const c = buf[p]!;
        if (region === 0) {
          if ((c === 87 && startsWith(buf, p, end, WINDOW)) || (c === 82 && startsWith(buf, p, end, RES))) region = 1;
          else if (c === 83 && seq < 0 && startsWith(buf, p, end, SEQ)) seq = readUint(buf, p + 4, end, 0xffffffff);
          else if (c === 91) return false;
        } else if (c === 85 && startsWith(buf, p, end, URGP)) {
          region = 2;
          break;
        } else if (p + 3 === end || buf[p + 3] === 32) flags |= FLAG_BITS.get((c << 16) | (buf[p + 1]! << 8) | buf[p + 2]!) ?? 0;
        p = nextToken(buf, p, end);
        if (p < 0) return false;
      }
      if (region === 0) return false;
    }
  }
  out.ms = ms;
  out.proto = proto;
  out.src = src;
  out.dst = dst;
  out.spt = spt;
  out.dpt = dpt;
  out.flags = flags;
  out.ttl = ttl;
  out.ipId = ipId;
  out.seq = seq;
  return true;
}
