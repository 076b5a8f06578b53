import { event, hostPort, kvField, leadingTimestamp, protoOf, toIso, wallOf, type LogFormat } from './common.ts';

/** `203.0.113.5:8000:X1`: an address, its port and the interface, as SonicOS writes an end. */
function end(v: string | undefined): { addr: string | null; port: number | null } {
  return v ? hostPort(v.replace(/:[A-Za-z][\w-]*$/, '')) : { addr: null, port: null };
}

/**
 * SonicWall (SonicOS) syslog, key=value: `id=firewall sn=... time="2025-03-12 09:41:17 UTC"
 * ... msg="TCP packet dropped due to policy" src=198.51.100.80:60112:X1 dst=203.0.113.5:8000:X1
 * proto=tcp/8000 fw_action="drop"`. The protocol is before the slash of `proto`.
 */
export const sonicwall: LogFormat = {
  id: 'sonicwall',
  description: 'SonicWall (SonicOS) syslog',
  sniff: (t) => t.includes('id=firewall') && t.includes(' src=') && t.includes(' dst='),
  parse(text, time) {
    const kv = (k: string) => kvField(text, k);
    const src = end(kv('src'));
    const dst = end(kv('dst'));
    if (!src.addr || !dst.addr) return null;
    const proto = protoOf(kv('proto')?.split('/')[0]);
    const t = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(?: (UTC))?$/.exec(kv('time') ?? '');
    const lead = t ? null : leadingTimestamp(text, time);
    const ports = proto === 'tcp' || proto === 'udp';
    return event('sonicwall', text, {
      ts: t ? toIso(wallOf(t.slice(1, 7), '', t[7] ? 'Z' : null), time) : (lead?.ts ?? null),
      tsText: t ? t[0] : (lead?.tsText ?? null),
      src: src.addr,
      spt: ports ? src.port : null,
      dst: dst.addr,
      dpt: ports ? dst.port : null,
      proto,
      flags: null,
      flagsText: null,
      action: kv('fw_action') ?? null,
    });
  },
};
