import { endsEvent, isoWall, protoOf, SLASH_TS, toIso, type LogFormat } from './common.ts';

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
    const t = SLASH_TS.exec(text);
    return endsEvent('yamaha-rtx', text, time, {
      src: m[3]!,
      dst: m[4]!,
      proto: protoOf(m[2]),
      action: m[1]!.toLowerCase(),
      ts: t && { ts: toIso(isoWall(t), time), tsText: t[0] },
    });
  },
};
