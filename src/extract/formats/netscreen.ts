import { event, kvField, leadingTimestamp, port, protoOf, type LogFormat } from './common.ts';

const ALERT = new RegExp(
  String.raw`\]\s*[a-z-]+-\d{5}(?:\([a-z]+\))?:\s*([^!\s][^!]{0,39}!)` +
    String.raw`\s*From\s+([^\s:]+):(\d{1,5})\s+to\s+([^\s:]+):(\d{1,5}),\s*proto\s+(\w+)`,
  'i',
);

/**
 * Juniper NetScreen / ScreenOS: traffic logs as key=value (`src=... dst=... src_port=...
 * dst_port=... proto=17 action=Deny`) and screen alerts (`Port scan! From 1.2.3.4:54886 to
 * 2.3.4.5:406, proto TCP`), whose name is the action.
 */
export const netscreen: LogFormat = {
  id: 'juniper-netscreen',
  description: 'Juniper NetScreen / ScreenOS traffic logs and screen alerts',
  sniff: (t) => t.includes('NetScreen'),
  parse(text, time) {
    const ts = leadingTimestamp(text, time);
    const alert = ALERT.exec(text);
    if (alert) {
      const proto = protoOf(alert[6]);
      const name = alert[1]!.trim();
      return event('juniper-netscreen', text, {
        ts: ts?.ts ?? null,
        tsText: ts?.tsText ?? null,
        src: alert[2]!,
        spt: port(alert[3]),
        dst: alert[4]!,
        dpt: port(alert[5]),
        proto,
        flags: /^SYN\b/i.test(name) ? 'S' : null,
        flagsText: /^SYN\b/i.test(name) ? 'SYN' : null,
        action: name,
      });
    }
    const kv = (k: string) => kvField(text, k);
    const src = kv('src');
    const dst = kv('dst');
    if (!src || !dst) return null;
    const proto = protoOf(kv('proto'));
    return event('juniper-netscreen', text, {
      ts: ts?.ts ?? null,
      tsText: ts?.tsText ?? null,
      src,
      spt: proto === 'icmp' ? null : port(kv('src_port')),
      dst,
      dpt: proto === 'icmp' ? null : port(kv('dst_port')),
      proto,
      flags: null,
      flagsText: null,
      action: kv('action') ?? null,
    });
  },
};
