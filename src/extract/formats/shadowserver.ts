import { columnIndex, csvFields as fields, event, port, protoOf, toIso, wallOf, type LogFormat } from './common.ts';

/** Column orders of the reports, used when the CSV's header row is not at hand. */
const EVENT4 = (
  'timestamp protocol src_ip src_port src_asn src_geo src_region src_city src_hostname src_naics src_sector ' +
  'device_vendor device_type device_model dst_ip dst_port'
).split(' ');
const LEGACY_DARKNET =
  'timestamp ip port asn geo region city hostname type dst_ip dst_port dst_asn dst_geo count'.split(' ');

/**
 * Shadowserver CSV reports (event4 honeypot / darknet / brute-force, the legacy darknet report,
 * and the scan reports of devices found exposed), driven by their header row. Without it, the
 * second column tells the layouts apart: event4 puts the protocol there, the legacy report the
 * source address.
 */
export const shadowserver: LogFormat = {
  id: 'shadowserver',
  description: 'Shadowserver CSV reports (darknet, honeypot)',
  sniff: (t) => /^\s*"?\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}"?,/.test(t),
  header: (line) => {
    if (!/^\s*"?timestamp"?,/.test(line)) return null;
    const cols = fields(line.trim());
    return cols && (cols.includes('src_ip') || cols.includes('ip')) ? cols : null;
  },
  parse(text, time, columns) {
    const f = fields(text.trim());
    // A report's own header says how many columns a row has; a member may paste a narrow export.
    if (!f || (columns ? f.length !== columns.length : f.length < 10)) return null;
    const cols = columns ?? (/^[\d.:a-fA-F]+$/.test(f[1] ?? '') && (f[1] ?? '').length > 6 ? LEGACY_DARKNET : EVENT4);
    const [ts, proto, src, srcIp, spt, srcPort, dst, dpt] = columnIndex(
      cols,
      'timestamp',
      'protocol',
      'src_ip',
      'ip',
      'src_port',
      'port',
      'dst_ip',
      'dst_port',
    );
    const get = (i: number | undefined) => (i === undefined || f[i] === '' ? undefined : f[i]);
    // A scan report (open resolvers, exposed Elasticsearch or MongoDB) names the device found and the
    // port it answered on: where a scan went, not where one came from.
    // (not the drone report, whose ip and port are an infected host's, beside its C2's cc and cc_port)
    const scan =
      !!columns &&
      src === undefined &&
      dst === undefined &&
      dpt === undefined &&
      !columns.includes('cc_port') &&
      !columns.includes('infection');
    const source = scan ? null : (get(src) ?? get(srcIp));
    if (!source && !(scan && get(srcIp))) return null;
    const p = protoOf(get(proto));
    const d = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/.exec(get(ts) ?? '');
    return event('shadowserver', text, {
      // Shadowserver reports are in UTC.
      ts: d ? toIso(wallOf([d[1], d[2], d[3], d[4], d[5], d[6]], '', 'Z'), time) : null,
      tsText: get(ts) ?? null,
      src: source ?? null,
      spt: p === 'icmp' || scan ? null : port(get(spt) ?? get(srcPort)),
      dst: scan ? get(srcIp)! : (get(dst) ?? null),
      dpt: p === 'icmp' ? null : port(get(scan ? srcPort : dpt)),
      proto: p,
      flags: null,
      flagsText: null,
      action: null,
    });
  },
};
