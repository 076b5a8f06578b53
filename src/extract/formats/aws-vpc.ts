import { columnIndex, epochIso, event, flagsFromBitmask, port, protoOf, type LogFormat } from './common.ts';

/** The default (version 2) field order, used when the file has no header line. */
const DEFAULT = (
  'version account-id interface-id srcaddr dstaddr srcport dstport ' +
  'protocol packets bytes start end action log-status'
).split(' ');

/** AWS VPC flow logs: space-separated, default v2 order or the custom order its header line names. */
export const awsVpc: LogFormat = {
  id: 'aws-vpc-flow',
  description: 'AWS VPC flow logs',
  sniff: (t) => / (?:ACCEPT|REJECT)\b/.test(t) || /\beni-[0-9a-f]+\b/.test(t),
  header: (line) => (/^version\s/.test(line.trim()) && line.includes('srcaddr') ? line.trim().split(/\s+/) : null),
  parse(text, _time, columns) {
    const cols = columns ?? DEFAULT;
    const f = text.trim().split(/\s+/);
    if (f.length !== cols.length) return null;
    const [src, dst, spt, dpt, protocol, start, action, flags] = columnIndex(
      cols,
      'srcaddr',
      'dstaddr',
      'srcport',
      'dstport',
      'protocol',
      'start',
      'action',
      'tcp-flags',
    );
    const get = (i: number | undefined) => (i === undefined || f[i] === '-' ? undefined : f[i]);
    const s = get(src);
    const d = get(dst);
    if (!s || !d || !/[.:]/.test(s) || !/[.:]/.test(d)) return null;
    const proto = protoOf(get(protocol));
    const ports = proto === 'tcp' || proto === 'udp';
    const flagsText = get(flags) ?? null;
    return event('aws-vpc-flow', text, {
      ts: epochIso(get(start)),
      tsText: get(start) ?? null,
      src: s,
      spt: ports ? port(get(spt)) : null,
      dst: d,
      dpt: ports ? port(get(dpt)) : null,
      proto,
      flags: flagsText && /^\d+$/.test(flagsText) ? flagsFromBitmask(Number(flagsText)) : null,
      flagsText,
      action: get(action) ?? null,
    });
  },
};
