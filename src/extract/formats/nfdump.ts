import { event, flagsFromLetters, port, protoOf, toIso, wallOf, type LogFormat } from './common.ts';

const LINE = new RegExp(
  String.raw`^\s*(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))?\s+[\d.]+\s+([A-Za-z0-9]+)` +
    String.raw`\s+(\S+?)[:.](\d{1,5})\s+->\s+(\S+?)[:.](\d{1,5})(?=\s|$)(?:\s+([.UAPRSFCE]{6,8})(?=\s|$))?`,
);

/** nfdump text output (`-o line`, `-o long`): first seen, duration, proto, src:port -> dst:port, .... */
export const nfdump: LogFormat = {
  id: 'nfdump',
  description: 'nfdump text output',
  sniff: (t) => t.includes(' -> ') && /^\s*\d{4}-\d{2}-\d{2} /.test(t),
  parse(text, time) {
    const m = LINE.exec(text);
    if (!m) return null;
    const proto = protoOf(m[8]);
    const ports = proto === 'tcp' || proto === 'udp';
    return event('nfdump', text, {
      ts: toIso(wallOf([m[1], m[2], m[3], m[4], m[5], m[6]], m[7] ?? '', null), time),
      tsText: `${m[1]}-${m[2]}-${m[3]} ${m[4]}:${m[5]}:${m[6]}${m[7] ? `.${m[7]}` : ''}`,
      src: m[9]!,
      spt: ports ? port(m[10]) : null,
      dst: m[11]!,
      dpt: ports ? port(m[12]) : null,
      proto,
      flags: m[13] ? flagsFromLetters(m[13].replace(/\./g, '')) : null,
      flagsText: m[13] ?? null,
      action: null,
    });
  },
};
