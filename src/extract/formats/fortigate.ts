import { event, kvField, leadingTimestamp, port, protoOf, toIso, wallOf, type LogFormat } from './common.ts';

/**
 * FortiGate key=value logs (traffic and UTM): date, time, tz, srcip, srcport, dstip, dstport,
 * proto, action. Other key=value firewalls with the same keys (Sophos UTM's packet filter) read
 * the same, and so do those that part the words of each key (Sophos Firewall, SFOS: src_ip,
 * dst_port, protocol, status, timezone); without date= and time=, the time is the syslog header's.
 */
export const fortigate: LogFormat = {
  id: 'fortigate',
  description: 'FortiGate key=value logs',
  sniff: (t) =>
    (t.includes('srcip=') && t.includes('dstip=')) ||
    (t.includes('src_ip=') && t.includes('dst_ip=')) ||
    (t.includes('remip=') && t.includes('logid=')),
  parse(text, time) {
    const kv = (k: string) => kvField(text, k) ?? kvField(text, k.replace(/^(src|dst)/, '$1_'));
    // An event log (an SSL-VPN login that failed) names the remote peer only, as remip.
    const src = kv('srcip') ?? kv('remip');
    const dst = kv('dstip') ?? (kv('remip') ? '' : undefined);
    if (!src || dst === undefined) return null;
    const proto = protoOf(kv('proto') ?? kv('protocol'));
    const date = kv('date');
    const clock = kv('time');
    const d = date && /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
    const c = clock && /^(\d{2}):(\d{2}):(\d{2})$/.exec(clock);
    const tz = kv('tz') ?? (/^(?:UTC|GMT)$/i.test(kv('timezone') ?? '') ? '+0000' : undefined);
    const offset = tz && /^[+-]\d{4}$/.test(tz) ? `${tz.slice(0, 3)}:${tz.slice(3)}` : null;
    const lead = d && c ? null : leadingTimestamp(text, time);
    return event('fortigate', text, {
      ts: d && c ? toIso(wallOf([d[1], d[2], d[3], c[1], c[2], c[3]], '', offset), time) : (lead?.ts ?? null),
      tsText: d && c ? `${date} ${clock}` : (lead?.tsText ?? null),
      src,
      spt: proto === 'icmp' ? null : port(kv('srcport')),
      dst: dst || null,
      dpt: proto === 'icmp' ? null : port(kv('dstport')),
      proto,
      flags: null,
      flagsText: null,
      action: kv('action') ?? kv('status') ?? null,
    });
  },
};
