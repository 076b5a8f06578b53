import { columnIndex, event, flagsFromLetters, port, protoOf, w3cFields, w3cTime, type LogFormat } from './common.ts';

/** pfirewall.log's documented column order, used when the file's #Fields header is not at hand. */
const DEFAULT = (
  'date time action protocol src-ip dst-ip src-port dst-port size ' +
  'tcpflags tcpsyn tcpack tcpwin icmptype icmpcode info path'
).split(' ');

/** Windows Firewall `pfirewall.log` (W3C extended format, driven by its `#Fields:` header). */
export const windowsFirewall: LogFormat = {
  id: 'windows-firewall',
  description: 'Windows Firewall pfirewall.log (W3C)',
  sniff: (t) =>
    /^\s*\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} (?:ALLOW|DROP|OPEN|CLOSE|OPEN-INBOUND|INFO-EVENTS-LOST)\s/.test(t),
  header: (line) => w3cFields(line, 'src-ip'),
  parse(text, time, columns) {
    const cols = columns ?? DEFAULT;
    const f = text.trim().split(/\s+/);
    const [date, clock, action, protocol, src, dst, spt, dpt, tcpflags] = columnIndex(
      cols,
      'date',
      'time',
      'action',
      'protocol',
      'src-ip',
      'dst-ip',
      'src-port',
      'dst-port',
      'tcpflags',
    );
    const get = (i: number | undefined) => (i === undefined || f[i] === '-' ? undefined : f[i]);
    const s = get(src);
    const d = get(dst);
    if (!s || !d) return null;
    const proto = protoOf(get(protocol));
    const ports = proto === 'tcp' || proto === 'udp';
    const flagsText = proto === 'tcp' ? (get(tcpflags) ?? null) : null;
    return event('windows-firewall', text, {
      ...w3cTime(get(date), get(clock), time),
      src: s,
      spt: ports ? port(get(spt)) : null,
      dst: d,
      dpt: ports ? port(get(dpt)) : null,
      proto,
      flags: flagsText ? flagsFromLetters(flagsText) : null,
      flagsText,
      action: get(action) ?? null,
    });
  },
};
