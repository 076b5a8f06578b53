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
  p = p
    .replace(/^(?:ip6?tables|nft)\s+/, '')
    .replace(/:$/, '')
    .trim();
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

/** Where the last value read ended: the readers below return the value and leave its end here. */
let pos = 0;

/**
 * How far "SRC=" may move on when the window's last byte is this one (Horspool): the prefix,
 * IN=, OUT= and MAC= before it are passed over a few bytes a step, not byte by byte.
 */
const SRC_SHIFT = new Uint8Array(256).fill(4);
SRC_SHIFT[83] = 3;
SRC_SHIFT[82] = 2;
SRC_SHIFT[67] = 1;

/**
 * Where the value of the first `SRC=` key at or after `p` starts; -1 when there is none, or when
 * one is glued to a tab, `]`, `:` or `)`, which `parse` reads as a key too and this leaves to it.
 */
function srcValue(buf: Buffer, p: number, end: number): number {
  for (let i = p + 3; i < end;) {
    const c = buf[i]!;
    if (c !== 61) {
      i += SRC_SHIFT[c]!;
      continue;
    }
    if (buf[i - 1] === 67 && buf[i - 2] === 82 && buf[i - 3] === 83) {
      const before = buf[i - 4];
      if (before === 32) return i + 1;
      if (before === 9 || before === 93 || before === 58 || before === 41) return -1;
    }
    i += 4;
  }
  return -1;
}

/**
 * A dotted quad without leading zeros up to a space (or the end), as a number; -1 otherwise. The
 * octets are read digit by digit, unrolled: this runs twice a line.
 */
function readIPv4(buf: Buffer, p: number, end: number): number {
  let value = 0;
  for (let part = 0; ; part++) {
    // A byte that is no digit (or none, past the buffer) gives NaN or a value outside 0-9.
    let c = buf[p]! - 48;
    if (!(c >= 0 && c <= 9)) return -1;
    let octet = c;
    c = buf[++p]! - 48;
    if (c >= 0 && c <= 9) {
      if (octet === 0) return -1;
      octet = octet * 10 + c;
      c = buf[++p]! - 48;
      if (c >= 0 && c <= 9) {
        octet = octet * 10 + c;
        c = buf[++p]! - 48;
        if (octet > 255 || (c >= 0 && c <= 9)) return -1;
      }
    }
    value = value * 256 + octet;
    if (part === 3) break;
    if (c !== 46 - 48) return -1;
    p++;
  }
  if (p > end || (p < end && buf[p] !== 32)) return -1;
  pos = p;
  return value;
}

/** A decimal number of up to ten digits up to a space (or the end), no larger than `max`; -1 otherwise. */
function readUint(buf: Buffer, p: number, end: number, max: number): number {
  const first = p;
  let n = 0;
  let c: number;
  while ((c = buf[p]! - 48) >= 0 && c <= 9) {
    n = n * 10 + c;
    p++;
  }
  if (p === first || p - first > 10 || n > max || (p < end && buf[p] !== 32)) return -1;
  pos = p;
  return n;
}

/**
 * Past the token at `p` and the spaces after it: the start of the next token (or `end`); -1 at a
 * tab, a control character or a byte outside ASCII (a Unicode space?), which `parse` may split
 * on and this leaves to it. The byte at `end` is the line break (or there is none): the loop
 * needs no bounds check of its own.
 */
function nextToken(buf: Buffer, p: number, end: number): number {
  let c: number;
  while ((c = buf[p]!) > 32 && c < 127) p++;
  if (p >= end) return end;
  if (c !== 32) return -1;
  while (buf[++p] === 32);
  return p < end ? p : end;
}

/** `0x` and two hex digits at `p`, as TOS= and PREC= are written. */
function hexByte(buf: Buffer, p: number): boolean {
  return buf[p] === 48 && buf[p + 1] === 120 && isHex(buf[p + 2]!) && isHex(buf[p + 3]!);
}

function isHex(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);
}

/** TCP, UDP or ICMP, any case, up to a space; -1 for anything else (which `parse` then judges). */
function readProto(buf: Buffer, p: number, end: number): number {
  let q = p;
  while (q < end && buf[q] !== 32) q++;
  const n = q - p;
  const a = buf[p]! & 0xdf,
    b = buf[p + 1]! & 0xdf,
    c = buf[p + 2]! & 0xdf;
  pos = q;
  if (n === 3 && c === 80) {
    if (a === 84 && b === 67) return PROTO_TCP;
    if (a === 85 && b === 68) return PROTO_UDP;
  }
  if (n === 4 && a === 73 && b === 67 && c === 77 && (buf[p + 3]! & 0xdf) === 80) return PROTO_ICMP;
  return -1;
}

/** The bit of a TCP flag word (its three letters, as netfilter writes them); 0 for any other word. */
function flagBit(a: number, b: number, c: number): number {
  switch ((a << 16) | (b << 8) | c) {
    case 0x46494e:
      return 1; // FIN
    case 0x53594e:
      return 2; // SYN
    case 0x525354:
      return 4; // RST
    case 0x505348:
      return 8; // PSH
    case 0x41434b:
      return 16; // ACK
    case 0x555247:
      return 32; // URG
    case 0x454345:
      return 64; // ECE
    case 0x435752:
      return 128; // CWR
    default:
      return 0;
  }
}

/**
 * The byte-level reading of a plain IPv4 netfilter line, for the lines a sensor writes by the
 * million. Netfilter writes its fields in one order (... SRC= DST= LEN= ... TTL= ID= ... PROTO=
 * SPT= DPT= ... WINDOW= RES= flags URGP=); this reads them in that order, in one pass, and gives
 * the same fields and flags as `parse`. IPv6, quoted ICMP errors, tabs, fields out of their order
 * and anything else odd are left to `parse`. Keys are matched byte by byte in place: the byte at
 * `end` ends the line (a line break, or past the buffer), so a key that matches lies within it.
 */
function scan(buf: Buffer, start: number, end: number, out: PacketSlots, clock: LineClock): boolean {
  const ms = clock.read(buf, start, end);
  if (Number.isNaN(ms)) return false;
  let p = srcValue(buf, clock.end, end);
  if (p < 0) return false;
  const src = readIPv4(buf, p, end);
  // " DST=" right after the source.
  p = pos;
  if (src < 0 || buf[p] !== 32 || buf[p + 1] !== 68 || buf[p + 2] !== 83 || buf[p + 3] !== 84 || buf[p + 4] !== 61)
    return false;
  const dst = readIPv4(buf, p + 5, end);
  if (dst < 0) return false;
  let ttl = -1,
    ipId = -1,
    proto = -1;
  p = pos;
  // " LEN=n TOS=0xNN PREC=0xNN TTL=n ID=n", as netfilter writes them, checked in place; the loop
  // below reads on from the first field that is not so, as it would have read these.
  order: {
    if (
      buf[p] !== 32 ||
      buf[p + 1] !== 76 ||
      buf[p + 2] !== 69 ||
      buf[p + 3] !== 78 ||
      buf[p + 4] !== 61 ||
      readUint(buf, p + 5, end, 0xffffffff) < 0
    )
      break order;
    p = pos;
    if (
      buf[p] !== 32 ||
      buf[p + 1] !== 84 ||
      buf[p + 2] !== 79 ||
      buf[p + 3] !== 83 ||
      buf[p + 4] !== 61 ||
      !hexByte(buf, p + 5) ||
      buf[p + 9] !== 32
    )
      break order;
    p += 9;
    if (
      buf[p + 1] !== 80 ||
      buf[p + 2] !== 82 ||
      buf[p + 3] !== 69 ||
      buf[p + 4] !== 67 ||
      buf[p + 5] !== 61 ||
      !hexByte(buf, p + 6) ||
      buf[p + 10] !== 32
    )
      break order;
    p += 10;
    if (buf[p + 1] !== 84 || buf[p + 2] !== 84 || buf[p + 3] !== 76 || buf[p + 4] !== 61) break order;
    if ((ttl = readUint(buf, p + 5, end, 255)) < 0) return false;
    p = pos;
    if (buf[p] !== 32 || buf[p + 1] !== 73 || buf[p + 2] !== 68 || buf[p + 3] !== 61) break order;
    if ((ipId = readUint(buf, p + 4, end, 65535)) < 0) return false;
    p = pos;
  }
  // [LEN= TOS= PREC= TTL= ID=] [CE] [DF] [MF] PROTO=
  for (p = nextToken(buf, p, end); p >= 0 && p < end; p = nextToken(buf, p, end)) {
    const c = buf[p];
    if (c === 80) {
      if (buf[p + 1] === 82 && buf[p + 2] === 79 && buf[p + 3] === 84 && buf[p + 4] === 79 && buf[p + 5] === 61) {
        proto = readProto(buf, p + 6, end);
        break;
      }
    } else if (c === 84) {
      if (ttl < 0 && buf[p + 1] === 84 && buf[p + 2] === 76 && buf[p + 3] === 61) {
        if ((ttl = readUint(buf, p + 4, end, 255)) < 0) return false;
        // On from the value's end, not over the token again.
        p = pos;
      }
    } else if (c === 73) {
      if (ipId < 0 && buf[p + 1] === 68 && buf[p + 2] === 61) {
        if ((ipId = readUint(buf, p + 3, end, 65535)) < 0) return false;
        p = pos;
      }
    } else if (c === 91) return false;
  }
  if (proto < 0) return false;
  let spt = -1,
    dpt = -1,
    flags = 0,
    seq = -1;
  if (proto !== PROTO_ICMP) {
    // " SPT=" and " DPT=" right after the protocol.
    p = pos;
    if (
      buf[p] !== 32 ||
      buf[p + 1] !== 83 ||
      buf[p + 2] !== 80 ||
      buf[p + 3] !== 84 ||
      buf[p + 4] !== 61 ||
      (spt = readUint(buf, p + 5, end, 65535)) < 0
    )
      return false;
    p = pos;
    if (
      buf[p] !== 32 ||
      buf[p + 1] !== 68 ||
      buf[p + 2] !== 80 ||
      buf[p + 3] !== 84 ||
      buf[p + 4] !== 61 ||
      (dpt = readUint(buf, p + 5, end, 65535)) < 0
    )
      return false;
    if (proto === PROTO_TCP) {
      // [SEQ= ACK=] WINDOW= RES= flag words URGP=: the flags are the words between RES=/WINDOW= and URGP=.
      let region = 0;
      p = pos;
      // " WINDOW=n RES=0xNN", as netfilter writes them, checked in place; the flag words follow.
      if (
        buf[p] === 32 &&
        buf[p + 1] === 87 &&
        buf[p + 2] === 73 &&
        buf[p + 3] === 78 &&
        buf[p + 4] === 68 &&
        buf[p + 5] === 79 &&
        buf[p + 6] === 87 &&
        buf[p + 7] === 61 &&
        readUint(buf, p + 8, end, 0xffffffff) >= 0
      ) {
        region = 1;
        p = pos;
        if (
          buf[p] === 32 &&
          buf[p + 1] === 82 &&
          buf[p + 2] === 69 &&
          buf[p + 3] === 83 &&
          buf[p + 4] === 61 &&
          hexByte(buf, p + 5) &&
          (p + 9 === end || buf[p + 9] === 32)
        )
          p += 9;
      }
      for (p = nextToken(buf, p, end); p < end; p = nextToken(buf, p, end)) {
        if (p < 0) return false;
        const c = buf[p]!;
        if (region === 0) {
          if (
            c === 87
              ? buf[p + 1] === 73 &&
                buf[p + 2] === 78 &&
                buf[p + 3] === 68 &&
                buf[p + 4] === 79 &&
                buf[p + 5] === 87 &&
                buf[p + 6] === 61
              : c === 82 && buf[p + 1] === 69 && buf[p + 2] === 83 && buf[p + 3] === 61
          )
            region = 1;
          else if (c === 83 && seq < 0 && buf[p + 1] === 69 && buf[p + 2] === 81 && buf[p + 3] === 61)
            seq = readUint(buf, p + 4, end, 0xffffffff);
          else if (c === 91) return false;
        } else if (c === 85 && buf[p + 1] === 82 && buf[p + 2] === 71 && buf[p + 3] === 80 && buf[p + 4] === 61) {
          break;
        } else if (p + 3 === end || buf[p + 3] === 32) flags |= flagBit(c, buf[p + 1]!, buf[p + 2]!);
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
