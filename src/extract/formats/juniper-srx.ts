import {
  event,
  endsEvent,
  ISO_TS,
  isoWall,
  leadingTimestamp,
  protoOf,
  port,
  toIso,
  type LogFormat,
  type TimeContext,
} from './common.ts';

const KV = /(?<![a-z0-9-])([a-z0-9-]+)="([^"]*)"/g;

/**
 * Juniper SRX RT_FLOW session logs, in both forms: RFC 5424 structured data
 * (`[junos@2636... source-address="..." destination-port="..." protocol-id="17"]`) and the classic
 * text (`RT_FLOW_SESSION_DENY: session denied 10.0.0.1/54924->192.168.1.1/53 junos-dns-udp 17(0) ...`).
 */
export const juniperSrx: LogFormat = {
  id: 'juniper-srx',
  description: 'Juniper SRX RT_FLOW (structured and classic syslog) and RT_SCREEN',
  sniff: (t) => t.includes('RT_FLOW') || t.includes('RT_SCREEN_'),
  parse(text, time) {
    if (!text.includes('RT_FLOW')) return screen(text, time);
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

/**
 * The screens' alarms (`RT_SCREEN_TCP: SYN flood! source: 192.0.2.77:1034, destination:
 * 198.51.100.20:443, zone name: untrust, ... action: drop`): the attack the screen saw, between
 * these ends. The transport is in the tag; RT_SCREEN_IP names none.
 */
// The attack's name is bounded: a line of "RT_SCREEN_TCP: " repeated must not be rescanned from each.
const SCREEN =
  /RT_SCREEN_([A-Z]+): ([^!\n]{0,200}?)!? source: ([^,\s]+), destination: ([^,\s]+)(?:,.*?\baction: (\w+))?/;

function screen(text: string, time: TimeContext) {
  const m = SCREEN.exec(text);
  if (!m) return null;
  return endsEvent('juniper-srx', text, time, {
    src: m[3]!,
    dst: m[4]!,
    proto: protoOf(m[1]),
    flags: /\bSYN\b/.test(m[2]!) ? 'S' : null,
    action: m[5] ?? null,
  });
}
