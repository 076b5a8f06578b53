import { addressLike, event, flagsFromBitmask, port, protoOf, type LogFormat } from './common.ts';

/**
 * sflowtool's line output (`sflowtool -l`), one sampled packet a line: `FLOW,agent,inIf,outIf,srcMAC,
 * dstMAC,ethType,inVLAN,outVLAN,srcIP,dstIP,proto,ToS,TTL,srcPort,dstPort,tcpFlags,frameSize,IPSize,
 * samplingRate`. Its counter samples (`CNTR,...`) carry no flow and are not records.
 */
export const sflow: LogFormat = {
  id: 'sflow',
  description: 'sflowtool -l flow samples',
  sniff: (t) => t.trimStart().startsWith('FLOW,'),
  parse(text) {
    const f = text.trim().split(',');
    if (f.length !== 20 || f[0] !== 'FLOW' || !addressLike(f[9]!) || !addressLike(f[10]!)) return null;
    const proto = protoOf(f[11]);
    const ports = proto === 'tcp' || proto === 'udp';
    return event('sflow', text, {
      ts: null,
      tsText: null,
      src: f[9]!,
      spt: ports ? port(f[14]) : null,
      dst: f[10]!,
      dpt: ports ? port(f[15]) : null,
      proto,
      // (a SYN-ACK is an answer, which the report leaves out)
      flags: proto === 'tcp' && /^0x[\da-f]{1,2}$/i.test(f[16]!) ? flagsFromBitmask(parseInt(f[16]!, 16)) : null,
      flagsText: proto === 'tcp' ? f[16]! : null,
      action: null,
    });
  },
};
