import type { LogFormat } from './common.ts';
import { ciscoAsa } from './cisco-asa.ts';
import { ims } from './ims.ts';
import { netfilter } from './netfilter.ts';
import { pf } from './pf.ts';
import { tcpdump } from './tcpdump.ts';

/**
 * Every log format kansoku reads. A new format is one module in this folder, its fixture lines
 * in fixtures/formats/<id>/, and one entry here; order matters only where two formats could read
 * the same line (pf lines are also tcpdump lines, so pf comes first).
 */
export const formats = [ims, netfilter, ciscoAsa, pf, tcpdump] as const satisfies readonly LogFormat[];

export type { LogFormat, TimeContext } from './common.ts';
