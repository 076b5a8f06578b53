import type { Command } from 'commander';
import { parseDay } from '../../digest/overview.ts';
import { KansokuError } from '../../errors.ts';
import { hourAt } from '../../time.ts';
import { buildOverview, dueDay, overviewDraft } from '../../pipeline/overview.ts';
import type { Print } from '../context.ts';
import { definePeriodCommand } from '../period.ts';

export function define(cmd: Command, print: Print): void {
  definePeriodCommand(cmd, print, {
    name: 'overview',
    option: [
      '--day <date>',
      'the local date, such as 2026-11-20 (default: the day before, or the last whole day of data)',
    ],
    parse: (id, c) => parseDay(id, c.overview.timezone),
    latest: (c, p) => {
      const day = dueDay(
        new Date(),
        c.overview.schedule,
        c.overview.timezone,
        p.store.counters.lastCoveredHour(hourAt(Date.now())),
      );
      if (!day) throw new KansokuError('INPUT_UNREADABLE', 'cli', 'no sensor data stored: import a log first');
      return day;
    },
    build: buildOverview,
    draft: overviewDraft,
  });
}
