import type { Proto } from '../../model.ts';
import { flagsFromLetters, port, protoOf } from './common.ts';

export interface Packet {
  src: string;
  spt: number | null;
  dst: string;
  dpt: number | null;
  proto: Proto | null;
  flags: string | null;
  flagsText: string | null;
}

/** IPv4 (also anonymised, "A.B.C.50") or IPv6, then `.port` when the packet has ports. */
const HOST = String.raw`((?:[0-9A-Za-z]{1,3}\.){3}[0-9A-Za-z]{1,3}|[0-9a-fA-F]{0,4}(?::[0-9a-fA-F]{0,4}){2,7})`;
const ENDPOINTS = new RegExp(String.raw`(?<![\w.:])${HOST}(?:\.(\d{1,5}))? > ${HOST}(?:\.(\d{1,5}))?:\s*(.*)`);

/**
 * The packet part of a tcpdump line, as tcpdump and pflog print it:
 * `[IP ][(tos ..., proto TCP (6), length 60) ]SRC.SPT > DST.DPT: Flags [S], ...`.
 */
export function parsePacket(text: string): Packet | null {
  const m = ENDPOINTS.exec(text);
  if (!m) return null;
  const rest = m[5] ?? '';
  const header = /\bproto\s+(\w+)/i.exec(text.slice(0, m.index))?.[1];
  let proto = protoOf(header);
  let flagsText: string | null = null;
  const modern = /^Flags\s+\[([^\]]*)\]/.exec(rest);
  // Old tcpdump (pflog on OpenBSD) writes the flags bare: "S 123:123(0) win", ". ack 1 win".
  const old = /^([FSRPUEW.]{1,6})\s+(?:\d+:\d+\(\d+\)|ack\b|win\b)/.exec(rest);
  if (modern) {
    proto = 'tcp';
    flagsText = modern[1]!;
  } else if (old) {
    proto = 'tcp';
    flagsText = old[1]!;
  } else if (/^(?:UDP|udp)\b/.test(rest)) proto = 'udp';
  else if (/^(?:ICMP6?|icmp6?)\b/.test(rest)) proto = 'icmp';
  // tcpdump -q names the transport alone ("tcp 0"), a truncated capture "[|tcp]"
  else if (/^(?:tcp\b|\[\|tcp\])/.test(rest)) proto = 'tcp';
  // tcpdump prints a TCP segment's flags always: a packet with ports and none is a datagram that one
  // of its decoders named ("SIP, length: 412", "NTPv4, Client", a DNS query's "4660+ A? ...")
  else if (proto === null && m[2] !== undefined && m[4] !== undefined && /^\S/.test(rest)) proto = 'udp';
  const hasPorts = proto !== 'icmp' && m[2] !== undefined && m[4] !== undefined;
  return {
    src: m[1]!,
    spt: hasPorts ? port(m[2]) : null,
    dst: m[3]!,
    dpt: hasPorts ? port(m[4]) : null,
    proto,
    flags: flagsText === null ? null : flagsFromLetters(flagsText.replace(/none/i, '')),
    flagsText,
  };
}
