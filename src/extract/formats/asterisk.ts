import { addressLike, event, leadingTimestamp, port, protoOf, type LogFormat } from './common.ts';

/**
 * `[Mar  3 02:14:01] NOTICE[2231] chan_sip.c: `,
 * `[2024-06-11 02:14:01] SECURITY[1234][C-0001] res_security_log.c: `
 */
const LEAD =
  /^\s*\[([^\]\n]{8,40})\]\s+(?:NOTICE|WARNING|SECURITY|ERROR|VERBOSE)\[\d+\](?:\[[^\]\n]*\])?:?\s+[\w./-]+:\s/;
/**
 * What a SIP request from a scanner gets: "... failed for '198.51.100.33:5071'",
 * "Call from '' (198.51.100.33:5071)".
 */
// (an IPv6 client in brackets: "failed for '[2001:db8::33]:5071'")
const CLIENT = /\bfailed for '\[?([^'\s\]]+)\]?:(\d{1,5})'|\bCall from '[^'\n]*' \(\[?([^()\s\]]+)\]?:(\d{1,5})\)/;
/** The security log's ends: `RemoteAddress="IPV4/UDP/198.51.100.33/5071"`, `LocalAddress="IPV4/UDP/192.0.2.9/5060"`. */
const END = (name: string) =>
  new RegExp(String.raw`\b${name}="IPV[46]\/(UDP|TCP|TLS|WS|WSS)\/([^"\/\s]+)\/(\d{1,5})"`, 'i');
const REMOTE = END('RemoteAddress');
const LOCAL = END('LocalAddress');

/**
 * Asterisk PBX logs, as members paste a SIP brute force ("friendly-scanner") from them: chan_sip's
 * and PJSIP's failed registrations and rejected calls name the scanner and its own port, not the
 * port it came to; the security log's events name both ends with their transport.
 */
export const asterisk: LogFormat = {
  id: 'asterisk',
  description: 'Asterisk PBX logs (chan_sip, PJSIP, security events)',
  sniff: (t) => t.includes('] ') && /\b(?:NOTICE|SECURITY|WARNING)\[\d/.test(t),
  parse(text, time) {
    const lead = LEAD.exec(text);
    if (!lead) return null;
    const ts = leadingTimestamp(lead[1]!, time);
    const remote = REMOTE.exec(text);
    const local = remote && LOCAL.exec(text);
    const client = remote ? null : CLIENT.exec(text);
    const src = remote?.[2] ?? client?.[1] ?? client?.[3];
    if (!src || !addressLike(src)) return null;
    // (TLS and WebSockets run over TCP)
    const transport = remote?.[1]!.toUpperCase();
    return event('asterisk', text, {
      ts: ts?.ts ?? null,
      tsText: ts ? lead[1]! : null,
      src,
      spt: port(remote?.[3] ?? client?.[2] ?? client?.[4]),
      dst: local && addressLike(local[2]!) ? local[2]! : null,
      dpt: port(local?.[3]),
      proto: transport ? protoOf(transport === 'UDP' ? 'udp' : 'tcp') : null,
      flags: null,
      flagsText: null,
      action: /SecurityEvent="(\w+)"/.exec(text)?.[1] ?? (/failed|rejected/i.test(text) ? 'failed' : null),
    });
  },
};
