import { event, leadingTimestamp, port, protoOf, type LogFormat } from './common.ts';

/**
 * Huawei USG / Eudemon firewall session and policy logs: `%%01POLICY/6/POLICYDENY(l):vsys=public,
 * protocol=6, source-ip=198.51.100.220, source-port=52110, destination-ip=203.0.113.25,
 * destination-port=6379, time=2025/3/12 13:01:33, ...`. The device's syslog time leads the line.
 */
const TAG = /%%\d+[A-Z]+\/\d\/[A-Z_]+(?:\([a-z]\))?:/;

export const huaweiUsg: LogFormat = {
  id: 'huawei-usg',
  description: 'Huawei USG / Eudemon firewall logs',
  sniff: (t) => t.includes('%%') && t.includes('source-ip='),
  parse(text, time) {
    const tag = TAG.exec(text);
    if (!tag) return null;
    const field = (k: string) => new RegExp(String.raw`(?:[:,]\s*)${k}=([^,\s]+)`).exec(text)?.[1];
    const src = field('source-ip');
    const dst = field('destination-ip');
    if (!src || !dst) return null;
    const proto = protoOf(field('protocol'));
    const ports = proto === 'tcp' || proto === 'udp';
    const ts = leadingTimestamp(text, time);
    return event('huawei-usg', text, {
      ts: ts?.ts ?? null,
      tsText: ts?.tsText ?? null,
      src,
      spt: ports ? port(field('source-port')) : null,
      dst,
      dpt: ports ? port(field('destination-port')) : null,
      proto,
      flags: null,
      flagsText: null,
      action: /DENY/.test(tag[0]) ? 'deny' : /PERMIT/.test(tag[0]) ? 'permit' : null,
    });
  },
};
