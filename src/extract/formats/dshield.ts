import { event, flagsFromLetters, port, protoOf, toIso, wallOf, type LogFormat } from './common.ts';

/**
 * DShield submission lines, tab-separated: date (with zone), submitter id, count, source IP,
 * source port, target IP, target port, protocol, TCP flags.
 */
export const dshield: LogFormat = {
  id: 'dshield',
  description: 'DShield submission format',
  sniff: (t) => (t.match(/\t/g) ?? []).length >= 7,
  parse(text, time) {
    const f = text.trim().split('\t');
    if (f.length < 8 || f.length > 9) return null;
    const d = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})\s*([+-]\d{2}:?\d{2}|Z)?$/.exec(f[0]!.trim());
    if (!d || !/^\d+$/.test(f[2]!.trim())) return null;
    const proto = protoOf(f[7]!.trim());
    if (!proto) return null;
    const offset = d[7] ? (d[7] === 'Z' ? 'Z' : d[7].replace(/^([+-]\d{2})(\d{2})$/, '$1:$2')) : null;
    const ports = proto === 'tcp' || proto === 'udp';
    const flagsText = proto === 'tcp' && f[8]?.trim() ? f[8].trim() : null;
    return event('dshield', text, {
      ts: toIso(wallOf([d[1], d[2], d[3], d[4], d[5], d[6]], '', offset), time),
      tsText: f[0]!.trim(),
      src: f[3]!.trim(),
      spt: ports ? port(f[4]!.trim()) : null,
      dst: f[5]!.trim(),
      dpt: ports ? port(f[6]!.trim()) : null,
      proto,
      flags: flagsText ? flagsFromLetters(flagsText) : null,
      flagsText,
      action: null,
    });
  },
};
