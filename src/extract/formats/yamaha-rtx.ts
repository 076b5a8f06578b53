import { event, hostPort, isoWall, protoOf, SLASH_TS, toIso, type LogFormat } from './common.ts';

/**
 * Yamaha RTX/NVR router filter logs, as Japanese operators paste them from `show log` or syslog:
 * `2026/02/19 10:31:22: LAN2 Rejected at IN(200099) filter: TCP 198.51.100.8:43122 >
 * 203.0.113.5:23`. The router writes its local time, with no zone.
 */
// Not anchored on the interface's name before it: an unanchored run of non-blanks backtracks on
// a long line without blanks.
const RECORD = / (Rejected|Passed) at (?:IN|OUT)\(\d+\) filter: (\w+) (\S+?) > (\S+?)(?=[\s:]*$| )/;

export const yamahaRtx: LogFormat = {
  id: 'yamaha-rtx',
  description: 'Yamaha RTX / NVR filter log',
  sniff: (t) => t.includes(' filter: ') && t.includes(' at '),
  parse(text, time) {
    const m = RECORD.exec(text);
    if (!m) return null;
    const proto = protoOf(m[2]);
    const ports = proto === 'tcp' || proto === 'udp';
    const src = hostPort(m[3]!);
    const dst = hostPort(m[4]!);
    const t = SLASH_TS.exec(text);
    return event('yamaha-rtx', text, {
      ts: t ? toIso(isoWall(t), time) : null,
      tsText: t?.[0] ?? null,
      src: src.addr,
      spt: ports ? src.port : null,
      dst: dst.addr,
      dpt: ports ? dst.port : null,
      proto,
      flags: null,
      flagsText: null,
      action: m[1]!.toLowerCase(),
    });
  },
};
