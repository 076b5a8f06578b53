import type { LogFormat } from './common.ts';
import { asterisk } from './asterisk.ts';
import { awsVpc } from './aws-vpc.ts';
import { checkpoint } from './checkpoint.ts';
import { ciscoAsa } from './cisco-asa.ts';
import { ciscoIos } from './cisco-ios.ts';
import { cowrieLog } from './cowrie-log.ts';
import { dionaea } from './dionaea.ts';
import { dshield } from './dshield.ts';
import { eveJson } from './eve-json.ts';
import { fastLog } from './fast-log.ts';
import { fortigate } from './fortigate.ts';
import { genericFlow } from './generic-flow.ts';
import { conpot } from './conpot.ts';
import { conntrack, daemonClient, fail2ban, portScan, sockets, sshd } from './host-tools.ts';
import { huaweiUsg } from './huawei-usg.ts';
import { iisW3c } from './iis-w3c.ts';
import { ims } from './ims.ts';
import { ipfilter } from './ipfilter.ts';
import { ipfw } from './ipfw.ts';
import { columnEvents, csvEvents, jsonEvents, keyValueEvents } from './json-events.ts';
import { juniperSrx } from './juniper-srx.ts';
import { junosFilter } from './junos-filter.ts';
import { mikrotik } from './mikrotik.ts';
import { netfilter } from './netfilter.ts';
import { netscreen } from './netscreen.ts';
import { nfdump } from './nfdump.ts';
import { paloalto } from './paloalto.ts';
import { pf } from './pf.ts';
import { pfsense } from './pfsense.ts';
import { sflow } from './sflow.ts';
import { shadowserver } from './shadowserver.ts';
import { sonicwall } from './sonicwall.ts';
import { ipchains, portsentry, scanlogd, zonealarm } from './small-tools.ts';
import { tcpdump } from './tcpdump.ts';
import { webAccess } from './web-access.ts';
import { windowsFirewall } from './windows-firewall.ts';
import { yamahaRtx } from './yamaha-rtx.ts';
import { zeekConn, zeekConnJson, zeekCut } from './zeek-conn.ts';
import { zyxel } from './zyxel.ts';

/**
 * Every log format kansoku reads. A new format is one module in this folder, its fixture lines
 * in fixtures/formats/<id>/, and one entry here. Order matters only where two formats could read
 * the same line: the more specific first (pf lines are also tcpdump lines; NetScreen and FortiGate
 * are key=value like others; eve.json and Zeek's JSON before the generic JSON keys, and before
 * anything that might sniff their text).
 */
export const formats = [
  ims,
  netfilter,
  ciscoAsa,
  ciscoIos,
  pfsense,
  pf,
  juniperSrx,
  junosFilter,
  netscreen,
  fortigate,
  sonicwall,
  checkpoint,
  huaweiUsg,
  paloalto,
  eveJson,
  fastLog,
  zeekConn,
  zeekConnJson,
  zeekCut,
  jsonEvents,
  cowrieLog,
  windowsFirewall,
  nfdump,
  awsVpc,
  sflow,
  mikrotik,
  yamahaRtx,
  ipfw,
  ipfilter,
  dshield,
  shadowserver,
  csvEvents,
  ipchains,
  portsentry,
  scanlogd,
  zonealarm,
  iisW3c,
  webAccess,
  tcpdump,
  zyxel,
  conntrack,
  sockets,
  portScan,
  sshd,
  fail2ban,
  conpot,
  asterisk,
  dionaea,
  daemonClient,
  // the most general last: what no format of its own reads
  genericFlow,
  columnEvents,
  keyValueEvents,
] as const satisfies readonly LogFormat[];

export type { LogFormat, TimeContext } from './common.ts';
