import type { Command } from 'commander';
import { HOUR_MS } from '../../time.ts';
import { context, withStore, type Print } from '../context.ts';

export function define(cmd: Command, print: Print): void {
  cmd.option('--json', 'print as JSON').action(async (opts: { json?: boolean }, cmd: Command) => {
    const ctx = context(cmd, print);
    await withStore(ctx, (store) => {
      const s = store.counters.summary();
      const v = {
        ...s,
        firstHour: s.firstHour === null ? null : new Date(s.firstHour * HOUR_MS).toISOString(),
        lastHour: s.lastHour === null ? null : new Date(s.lastHour * HOUR_MS).toISOString(),
      };
      print(
        opts.json
          ? JSON.stringify(v, null, 2)
          : `hours with data: ${v.hours} (${v.firstHour ?? '-'} .. ${v.lastHour ?? '-'}), ` +
              `rollups: ${v.buckets}, sensors: ${v.sensors.join(', ') || '-'}, ` +
              `raw events kept: ${v.recentEvents}, files imported: ${v.imports}`,
      );
    });
  });
}
