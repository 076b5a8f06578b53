import { event, flagsFromLetters, leadingTimestamp, port, protoOf, toIso, wallOf, type LogFormat } from './common.ts';

/**
 * `[Nx] IFACE @GROUP:RULE[name] A SRC,SPORT -> DST,DPORT PR proto len ...`: the action is one
 * letter in ipmon (or, as SEIL's documentation leaves open, the word), and SEIL adds the filter's
 * name in brackets.
 */
const PACKET = new RegExp(
  String.raw`(?:^|\s)(?:\d{1,9}x )?(\S{1,32}) @-?\d{1,9}:\d{1,9}(?:\[[^\]\s]{0,64}\])? ([pPbBnLS]|pass|block) ` +
    String.raw`([\da-fA-F.:]{2,45}?)(?:,(\d{1,5}))? -> ([\da-fA-F.:]{2,45}?)(?:,(\d{1,5}))? PR (\w{1,16}) len `,
);
const ACTIONS: Record<string, string> = {
  p: 'pass',
  P: 'pass',
  pass: 'pass',
  b: 'block',
  B: 'block',
  block: 'block',
  n: 'nomatch',
  L: 'log',
  S: 'short',
};
/** ipmon writing to a file of its own starts a line with the day first: `20/11/2026 09:00:00.123456`. */
const FILE_TIME = /^\s*(\d{2})\/(\d{2})\/(\d{4}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?/;

/**
 * IPFilter's ipmon (Solaris and illumos, NetBSD, older FreeBSD), and IIJ's SEIL routers, which log
 * their filters the same way: `fxp0 @0:3 b 192.0.2.1,51000 -> 198.51.100.1,22 PR tcp len 20 44
 * -S IN`. TCP flags follow a dash.
 */
export const ipfilter: LogFormat = {
  id: 'ipfilter',
  description: 'IPFilter ipmon and SEIL filter logs',
  sniff: (t) => t.includes(' -> ') && t.includes(' PR ') && t.includes(' @'),
  parse(text, time) {
    const m = PACKET.exec(text);
    if (!m) return null;
    const proto = protoOf(m[7]);
    const ports = proto === 'tcp' || proto === 'udp';
    const flagsText =
      proto === 'tcp' ? (/\s-([FSRPAUEC]{1,8})(?=\s|$)/.exec(text.slice(m.index + m[0].length))?.[1] ?? null) : null;
    const lead = leadingTimestamp(text, time);
    const file = lead ? null : FILE_TIME.exec(text);
    return event('ipfilter', text, {
      ts:
        lead?.ts ??
        (file
          ? toIso(wallOf([file[3], file[2], file[1], file[4], file[5], file[6]], file[7] ?? '', null), time)
          : null),
      tsText: lead?.tsText ?? file?.[0].trim() ?? null,
      src: m[3]!,
      spt: ports ? port(m[4]) : null,
      dst: m[5]!,
      dpt: ports ? port(m[6]) : null,
      proto,
      flags: flagsText === null ? null : flagsFromLetters(flagsText),
      flagsText,
      action: ACTIONS[m[2]!] ?? null,
    });
  },
};
