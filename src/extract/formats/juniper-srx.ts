import { event, ISO_TS, isoWall, leadingTimestamp, port, protoOf, toIso, type LogFormat } from './common.ts';

const KV = /(?<![a-z0-9-])([a-z0-9-]+)="([^"]*)"/g;

/**
 * Juniper SRX RT_FLOW session logs, in both forms: RFC 5424 structured data
 * (`[junos@2636... source-address="..." destination-port="..." protocol-id="17"]`) and the classic
 * text (`RT_FLOW_SESSION_DENY: session denied 10.0.0.1/54924->192.168.1.1/53 junos-dns-udp 17(0) ...`).
 */
export const juniperSrx: LogFormat = {
  id: 'juniper-srx',
  description: 'Juniper SRX RT_FLOW (structured and classic syslog)',
  sniff: (t) => t.includes('RT_FLOW'),
  parse(text, time) {
    const action = /RT_FLOW_SESSION_[A-Z_]+/.exec(text)?.[0] ?? null;
    const head = text.slice(0, text.indexOf('RT_FLOW'));
    // The device's own ISO time, when the line carries one, is the event's time.
    const iso = ISO_TS.exec(head);
    const ts = iso ? { ts: toIso(isoWall(iso), time), tsText: iso[0] } : leadingTimestamp(text, time);
    const sd = text.indexOf('[junos@');
    if (sd >= 0) {
      const kv: Record<string, string> = {};
      for (const m of text.slice(sd).matchAll(KV)) kv[m[1]!] ??= m[2]!;
      if (!kv['source-address'] || !kv['destination-address']) return null;
      const proto = protoOf(kv['protocol-id']);
      const ports = proto !== 'icmp';
      return event('juniper-srx', text, {
        ts: ts?.ts ?? null,
        tsText: ts?.tsText ?? null,
        src: kv['source-address'],
        spt: ports ? port(kv['source-port']) : null,
        dst: kv['destination-address'],
        dpt: ports ? port(kv['destination-port']) : null,
        proto,
        flags: null,
        flagsText: null,
        action,
      });
    }
    // Junos 12.1X47 and later put a connection tag ("0x0") before the service name.
    const m = /\s([^\s/]+)\/(\d{1,5})->([^\s/]+)\/(\d{1,5})\s+(?:0x[\da-f]+\s+)?\S+\s+(\d{1,3})\(/i.exec(text);
    if (!m) return null;
    const proto = protoOf(m[5]);
    return event('juniper-srx', text, {
      ts: ts?.ts ?? null,
      tsText: ts?.tsText ?? null,
      src: m[1]!,
      spt: proto === 'icmp' ? null : port(m[2]),
      dst: m[3]!,
      dpt: proto === 'icmp' ? null : port(m[4]),
      proto,
      flags: null,
      flagsText: null,
      action,
    });
  },
};
