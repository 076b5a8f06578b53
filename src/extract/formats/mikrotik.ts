import {
  event,
  flagsFromWords,
  leadingTimestamp,
  MASKED_V4,
  port,
  protoOf,
  type LogFormat,
  type TimeContext,
} from './common.ts';

/**
 * An endpoint as RouterOS writes it: `192.0.2.1:51000`, `192.0.2.1` (ICMP), `[2001:db8::1]:51000`,
 * or as a member masks it (`A.B.C.2:8728`).
 */
const ENDPOINT = String.raw`(${MASKED_V4}|\[[\da-fA-F:.]{2,45}\])(?::(\d{1,5}))?`;
/** `proto TCP (SYN), SRC->DST`: the first pair is the packet as it arrived, before any NAT shown after it. */
const PACKET = new RegExp(String.raw`\bproto (\w{1,12})(?: \(([^()]{0,40})\))?, ${ENDPOINT}->${ENDPOINT}(?=,|$)`);

// "system,error,critical login failure for user admin from 198.51.100.140 via winbox"
const LOGIN_FAILURE = new RegExp(String.raw`\blogin failure for user .{0,64}? from ${ENDPOINT} via ([\w-]{1,20})`);

/**
 * RouterOS's own log of a login that failed: the client, and the service it tried (winbox, ssh,
 * api, web), over TCP; the service's port is the router's setting, which the line does not say.
 */
function loginFailure(text: string, time: TimeContext) {
  const m = LOGIN_FAILURE.exec(text);
  if (!m) return null;
  const ts = leadingTimestamp(text, time);
  // (a log line has its time or RouterOS's topics before it; a sentence has neither)
  if (!ts && !/\b(?:system|account),(?:error|info|warning|critical)\b/.test(text.slice(0, m.index))) return null;
  return event('mikrotik', text, {
    ts: ts?.ts ?? null,
    tsText: ts?.tsText ?? null,
    src: m[1]!.replace(/^\[|\]$/g, ''),
    spt: port(m[2]),
    dst: null,
    dpt: null,
    proto: 'tcp',
    flags: null,
    flagsText: null,
    action: `login failure via ${m[3]}`,
  });
}

/**
 * MikroTik RouterOS firewall rules with `log=yes`, as `/log print` shows them or remote syslog
 * carries them: `[prefix] input: in:ether1 out:(unknown 0), src-mac ..., proto TCP (SYN),
 * 192.0.2.1:51000->198.51.100.1:22, len 44`. For TCP the parentheses hold the flags; for ICMP,
 * the type and code.
 */
export const mikrotik: LogFormat = {
  id: 'mikrotik',
  description: 'MikroTik RouterOS firewall log and login failures',
  sniff: (t) => (t.includes(' in:') && t.includes(' out:') && t.includes('proto ')) || t.includes('login failure'),
  parse(text, time) {
    const m = PACKET.exec(text);
    if (!m) return loginFailure(text, time);
    const proto = protoOf(m[1]);
    const ports = proto === 'tcp' || proto === 'udp';
    const flagsText = proto === 'tcp' ? (m[2] ?? null) : null;
    const ts = leadingTimestamp(text, time);
    const unbracket = (a: string) => a.replace(/^\[|\]$/g, '');
    return event('mikrotik', text, {
      ts: ts?.ts ?? null,
      tsText: ts?.tsText ?? null,
      src: unbracket(m[3]!),
      spt: ports ? port(m[4]) : null,
      dst: unbracket(m[5]!),
      dpt: ports ? port(m[6]) : null,
      proto,
      flags: flagsText === null ? null : flagsFromWords(flagsText.replace(/,/g, ' ')),
      flagsText,
      action: null,
    });
  },
};
