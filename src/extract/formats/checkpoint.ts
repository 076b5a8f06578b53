import { addressLike, event, leadingTimestamp, port, protoOf, type LogFormat } from './common.ts';

/** `key: value;` (fw log, as syslog carried it) or `key:"value";` (R80+ Log Exporter). */
function field(text: string, key: string): string | undefined {
  return new RegExp(String.raw`(?:^|[\s;[])${key}:\s*(?:"([^"]*)"|([^\s;"\]]+))`).exec(text)?.slice(1).find(Boolean);
}

/**
 * Check Point firewall records as syslog carries them: `... drop 192.0.2.130 >eth1 rule: 12; src:
 * 198.51.100.80; dst: 192.0.2.130; proto: tcp; service: 23; s_port: 53122;`, or the Log Exporter's
 * `[action:"Drop"; ... src:"198.51.100.80"; dst:"192.0.2.130"; proto:"6"; service:"23";
 * s_port:"53122"]`. `service` is the destination port; `service_id` its name.
 */
export const checkpoint: LogFormat = {
  id: 'checkpoint',
  description: 'Check Point firewall log (syslog, Log Exporter)',
  sniff: (t) => t.includes('s_port:') || (t.includes('src:') && t.includes('dst:') && t.includes('service')),
  parse(text, time) {
    const src = field(text, 'src');
    const dst = field(text, 'dst');
    if (!src || !dst || !addressLike(src) || !addressLike(dst)) return null;
    const proto = protoOf(field(text, 'proto'));
    const ports = proto === 'tcp' || proto === 'udp';
    const ts = leadingTimestamp(text, time);
    const action = field(text, 'action') ?? /\s(accept|drop|reject|block)\s/i.exec(text)?.[1];
    return event('checkpoint', text, {
      ts: ts?.ts ?? null,
      tsText: ts?.tsText ?? null,
      src,
      spt: ports ? port(field(text, 's_port')) : null,
      dst,
      dpt: ports ? port(field(text, 'service')) : null,
      proto,
      flags: null,
      flagsText: null,
      action: action?.toLowerCase() ?? null,
    });
  },
};
