import { event, ISO_TS, isoWall, jsonRecord, jsonText as str, port, protoOf, toIso, type LogFormat } from './common.ts';

/** Suricata `eve.json`: one JSON object a line with src_ip, src_port, dest_ip, dest_port, proto. */
export const eveJson: LogFormat = {
  id: 'eve-json',
  description: 'Suricata eve.json',
  sniff: (t) => t.includes('"src_ip"') && t.includes('"dest_ip"'),
  parse(text, time) {
    const o = jsonRecord(text);
    if (!o) return null;
    const src = str(o.src_ip);
    const dst = str(o.dest_ip);
    // (Suricata writes event_type and proto on every line: a line with neither is another tool's, T-Pot's
    // Dionaea events, read by the keys of JSON event logs)
    if (!src || !dst || (o.event_type === undefined && o.proto === undefined)) return null;
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
