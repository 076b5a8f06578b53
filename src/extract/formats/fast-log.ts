import { event, port, protoOf, toIso, type LogFormat } from './common.ts';

/** An address with its port appended: "1.2.3.4:80", or IPv6 whose last colon group is the port. */
function endpoint(s: string): { addr: string; port: number | null } {
  const v4 = /^(\d{1,3}(?:\.\d{1,3}){3}):(\d{1,5})$/.exec(s);
  if (v4) return { addr: v4[1]!, port: port(v4[2]) };
  if (/^\d{1,3}(?:\.\d{1,3}){3}$/.test(s)) return { addr: s, port: null };
  const bracket = /^\[([^\]]+)\]:(\d{1,5})$/.exec(s);
  if (bracket) return { addr: bracket[1]!, port: port(bracket[2]) };
  // Snort writes IPv6 as eight full groups, so a ninth group is the port.
  const groups = s.split(':');
  if (groups.length === 9) {
    return { addr: groups.slice(0, 8).join(':'), port: port(groups[8]) };
  }
  return { addr: s, port: null };
}

/**
 * Snort and Suricata `fast.log` alerts: `MM/DD[/YYYY]-HH:MM:SS.ffffff [**] [gid:sid:rev] msg [**]
 * [Classification: ...] [Priority: n] {PROTO} src[:port] -> dst[:port]`. Suricata writes the year
 * in four digits, Snort with -y in two, and Snort by default leaves it out.
 */
export const fastLog: LogFormat = {
  id: 'fast-log',
  description: 'Snort / Suricata fast.log alerts',
  sniff: (t) => t.includes('[**]') && t.includes(' -> '),
  parse(text, time) {
    const m = /\{([A-Za-z0-9-]+)\}\s+(\S+)\s+->\s+(\S+)\s*$/.exec(text.trim());
    const d = /^\s*(\d{2})\/(\d{2})(?:\/(\d{4}|\d{2}))?-(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?/.exec(text);
    if (!m) return null;
    const proto = protoOf(m[1]);
    const s = endpoint(m[2]!);
    const t = endpoint(m[3]!);
    const ports = proto === 'tcp' || proto === 'udp';
    return event('fast-log', text, {
      ts: d ? toIso({ year: d[3] ? (d[3].length === 2 ? 2000 : 0) + Number(d[3]) : null, month: +d[1]!, day: +d[2]!, hour: +d[4]!, minute: +d[5]!, second: +d[6]!, fraction: d[7] ?? '', offset: null }, time) : null,
      tsText: d ? d[0].trim() : null,
      src: s.addr,
      spt: ports ? s.port : null,
      dst: t.addr,
      dpt: ports ? t.port : null,
      proto,
      flags: null,
      flagsText: null,
      action: null,
    });
  },
};
