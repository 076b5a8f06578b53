import { event, hostPort, protoOf, toIso, type LogFormat } from './common.ts';

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
    const s = hostPort(m[2]!);
    const t = hostPort(m[3]!);
    const ports = proto === 'tcp' || proto === 'udp';
    return event('fast-log', text, {
      ts: d
        ? toIso(
            {
              year: d[3] ? (d[3].length === 2 ? 2000 : 0) + Number(d[3]) : null,
              month: +d[1]!,
              day: +d[2]!,
              hour: +d[4]!,
              minute: +d[5]!,
              second: +d[6]!,
              fraction: d[7] ?? '',
              offset: null,
            },
            time,
          )
        : null,
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
