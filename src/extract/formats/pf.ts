import { event, ISO_TS, isoWall, leadingTimestamp, SYSLOG_TS, syslogWall, toIso, type LogFormat } from './common.ts';
import { parsePacket } from './tcpdump-packet.ts';

const RULE = /\brule\s+[\d.]+\/[^\s:]*\(match\):?\s+(pass|block|match|scrub|nat|rdr)\s+(?:in|out)\s+on\s+\S+?:\s+/;

/**
 * OpenBSD / FreeBSD pf, as `tcpdump -n -e -ttt -i pflog0` prints it and as syslog relays it:
 * `[syslog header pf: ][TIME ]rule 2/(match) pass in on xl0: SRC.SPT > DST.DPT: ...`.
 */
export const pf: LogFormat = {
  id: 'pf',
  description: 'OpenBSD / FreeBSD pf log (pflog as tcpdump prints it)',
  sniff: (t) => t.includes('(match)') && t.includes(' > '),
  parse(text, time) {
    const rule = RULE.exec(text);
    if (!rule) return null;
    const packet = parsePacket(text.slice(rule.index + rule[0].length));
    if (!packet) return null;
    // The packet's own time follows "pf:" when the line was relayed through syslog; prefer it.
    const pfAt = text.indexOf('pf:');
    const inner = pfAt >= 0 ? text.slice(pfAt + 3, rule.index) : '';
    const sys = SYSLOG_TS.exec(inner);
    const iso = ISO_TS.exec(inner);
    let ts: { ts: string | null; tsText: string } | null;
    if (iso) ts = { ts: toIso(isoWall(iso), time), tsText: iso[0] };
    else if (sys && syslogWall(sys)) ts = { ts: toIso(syslogWall(sys)!, time), tsText: sys[0] };
    else ts = leadingTimestamp(text, time);
    return event('pf', text, { ts: ts?.ts ?? null, tsText: ts?.tsText ?? null, ...packet, action: rule[1]! });
  },
};
