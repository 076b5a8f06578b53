import type { Command } from 'commander';
import { detect } from '../../detect/detect.ts';
import { hourAt } from '../../time.ts';
import { KansokuError } from '../../errors.ts';
import { checkIsoTime } from '../args.ts';
import { context, withStore, type Print } from '../context.ts';
import { printAnomalies } from '../print.ts';

export function define(cmd: Command, print: Print): void {
  cmd
    .option('--since <time>', 'first hour judged (ISO time); default: detect.days before --until')
    .option('--until <time>', 'judge up to this ISO time; default: the last hour with sensor data')
    .option('--json', 'print the anomalies as JSON (the stable contract)')
    .action(async (opts: { since?: string; until?: string; json?: boolean }, cmd: Command) => {
      const ctx = context(cmd, print);
      checkIsoTime('--since', opts.since);
      checkIsoTime('--until', opts.until);
      const conf = ctx.loaded.config.detect;
      await withStore(ctx, (store) => {
        const last = store.counters.lastCoveredHour(hourAt(Date.now()));
        const until = opts.until ? hourAt(Date.parse(opts.until)) : last === null ? null : last + 1;
        const since = opts.since ? hourAt(Date.parse(opts.since)) : until === null ? null : until - conf.days * 24;
        if (since !== null && until !== null && since >= until)
          throw new KansokuError('USAGE', 'cli', `--since ${opts.since} is not before --until ${opts.until}`);
        const anomalies = until === null ? [] : detect(store.counters, { since: since!, until }, conf);
        if (opts.json) print(JSON.stringify({ anomalies }, null, 2));
        else printAnomalies(print, anomalies, until === null);
      });
    });
}
