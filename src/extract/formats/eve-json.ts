import { event, ISO_TS, isoWall, port, protoOf, toIso, type LogFormat } from './common.ts';

/** A line no larger than this is read as JSON; eve.json records with payloads can be huge. */
const MAX = 64 * 1024;

/** Suricata `eve.json`: one JSON object a line with src_ip, src_port, dest_ip, dest_port, proto. */
export const eveJson: LogFormat = {
  id: 'eve-json',
  description: 'Suricata eve.json',
  sniff: (t) => t.includes('"src_ip"') && t.includes('"dest_ip"'),
  parse(text, time) {
    const start = text.indexOf('{');
    if (start < 0 || text.length > MAX) return null;
    let o: Record<string, unknown>;
    try {
      o = JSON.parse(text.slice(start)) as Record<string, unknown>;
    } catch {
      return null;
    }
    const str = (v: unknown) => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined);
    const src = str(o.src_ip);
    const dst = str(o.dest_ip);
    if (!src || !dst) return null;
    const proto = protoOf(str(o.proto));
    const tsText = str(o.timestamp) ?? null;
    const iso = tsText ? ISO_TS.exec(tsText) : null;
    const alert = o.alert as { action?: unknown } | undefined;
    const tcp = o.tcp as { tcp_flags?: unknown } | undefined;
    return event('eve-json', text, {
      ts: iso ? toIso(isoWall(iso), time) : null,
      tsText,
      src,
      spt: proto === 'icmp' ? null : port(str(o.src_port)),
      dst,
      dpt: proto === 'icmp' ? null : port(str(o.dest_port)),
      proto,
      flags: null,
      flagsText: str(tcp?.tcp_flags) ?? null,
      action: str(alert?.action) ?? null,
    });
  },
};
