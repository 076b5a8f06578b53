import type { Command } from 'commander';
import { parseWeek, previousWeek, weekOf } from '../../digest/week.ts';
import { buildDigest, digestDraft } from '../../pipeline/digest.ts';
import type { Print } from '../context.ts';
import { definePeriodCommand } from '../period.ts';

export function define(cmd: Command, print: Print): void {
  definePeriodCommand(cmd, print, {
    name: 'digest',
    option: ['--week <week>', 'ISO week such as 2026-W47 (default: the last full week)'],
    parse: (id, c) => parseWeek(id, c.digest.timezone),
    latest: (c) => previousWeek(weekOf(new Date(), c.digest.timezone)),
    build: buildDigest,
    draft: digestDraft,
  });
}
