import { event, flagsFromLetters, port, protoOf, toIso, type LogFormat } from './common.ts';

/**
 * Internet Motion Sensor darknet records, as forwarded to NSP-SEC lists:
 * `MM-DD-YYYY HH:MM:SS id src spt dst dpt PROTO flags(8) seq ack`. TCP records end with the
 * 8-column flag field; a record without it is incomplete (a mailer wrapped it), not a flagless one.
 */
const RE = new RegExp(
  String.raw`^(\d{2})-(\d{2})-(\d{4})\s+(\d{2}):(\d{2}):(\d{2})\s+([0-9a-fA-F]{4,16})` +
    String.raw`\s+(\S+)\s+(\d{1,5})\s+(\S+)\s+(\d{1,5})\s+(TCP|UDP|ICMP)\b(?:\s+([A-Z0-9-]{8})(?=\s|$))?`,
  'i',
);

export const ims: LogFormat = {
  id: 'ims',
  description: 'Internet Motion Sensor (IMS) darknet records',
  sniff: (t) => /^\d{2}-\d{2}-\d{4} /.test(t.trimStart()),
  parse(text, time) {
    const m = RE.exec(text.trim());
    if (!m) return null;
    const proto = protoOf(m[12]);
    if (proto === 'tcp' && !m[13]) return null;
    const tsText = `${m[1]}-${m[2]}-${m[3]} ${m[4]}:${m[5]}:${m[6]}`;
    return event('ims', text, {
      ts: toIso(
        {
          year: Number(m[3]),
          month: Number(m[1]),
          day: Number(m[2]),
          hour: Number(m[4]),
          minute: Number(m[5]),
          second: Number(m[6]),
          fraction: '',
          offset: null,
        },
        time,
      ),
      tsText,
      src: m[8]!,
      spt: proto === 'icmp' ? null : port(m[9]),
      dst: m[10]!,
      dpt: proto === 'icmp' ? null : port(m[11]),
      proto,
      flags: m[13] ? flagsFromLetters(m[13]) : null,
      flagsText: m[13] ?? null,
      action: null,
    });
  },
};
