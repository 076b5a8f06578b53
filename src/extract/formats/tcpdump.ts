import { event, ISO_TS, isoWall, toIso, type LogFormat } from './common.ts';
import { parsePacket } from './tcpdump-packet.ts';

/** `[counter ][YYYY-MM-DD ]HH:MM:SS.ffffff IP[6] SRC.SPT > DST.DPT: ...` */
const LINE = /^\s*(?:\d+\s+)?(?:(\d{4}-\d{2}-\d{2})\s+)?(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?\s+(?:IP6?\s+)?/;

/** tcpdump one-liners (`tcpdump -n`, `-tttt`, and test-output lines with a packet counter). */
export const tcpdump: LogFormat = {
  id: 'tcpdump',
  description: 'tcpdump one-line packet summaries',
  sniff: (t) => t.includes(' > ') && /\d{2}:\d{2}:\d{2}/.test(t),
  parse(text, time) {
    const m = LINE.exec(text);
    if (!m) return null;
    const packet = parsePacket(text.slice(m[0].length));
    if (!packet) return null;
    const tsText = `${m[1] ? `${m[1]} ` : ''}${m[2]}:${m[3]}:${m[4]}${m[5] ? `.${m[5]}` : ''}`;
    const date = m[1] ? ISO_TS.exec(`${m[1]} ${m[2]}:${m[3]}:${m[4]}`) : null;
    const ts = date
      ? toIso({ ...isoWall(date), fraction: m[5] ?? '' }, time)
      : toIso(
          {
            year: null,
            month: null,
            day: null,
            hour: Number(m[2]),
            minute: Number(m[3]),
            second: Number(m[4]),
            fraction: m[5] ?? '',
            offset: null,
          },
          time,
        );
    return event('tcpdump', text, { ts, tsText, ...packet, action: null });
  },
};
