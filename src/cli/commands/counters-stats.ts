import { Option, type Command } from 'commander';
import { rowPoints } from '../../counters/rollups.ts';
import type { Proto } from '../../model.ts';
import { HOUR_MS, hourAt } from '../../time.ts';
import { checkIsoTime } from '../args.ts';
import { context, withStore, type Print } from '../context.ts';
import { printStats } from '../print.ts';

export function define(cmd: Command, print: Print): void {
  cmd
    .option('--port <port>', 'only this port')
    .addOption(new Option('--proto <proto>', 'only this protocol').choices(['tcp', 'udp', 'icmp']))
    .option('--since <time>', 'only hours from this ISO time on')
    .option('--sensor <name>', 'only this sensor')
    .option('--limit <n>', 'at most this many rows', '50')
    .option('--json', 'print as JSON')
    .action(
      async (
        opts: { port?: string; proto?: Proto; since?: string; sensor?: string; limit: string; json?: boolean },
        cmd: Command,
      ) => {
        const ctx = context(cmd, print);
        checkIsoTime('--since', opts.since);
        await withStore(ctx, (store) => {
          const rows = rowPoints(
            store.counters.rows({
              proto: opts.proto,
              port: opts.port === undefined ? undefined : Number(opts.port),
              from: opts.since ? hourAt(Date.parse(opts.since)) : undefined,
              sensor: opts.sensor,
              limit: Math.max(1, Number(opts.limit) || 50),
            }),
          );
          if (opts.json)
            print(
              JSON.stringify(
                rows.map((r) => ({ ...r, hour: new Date(r.hour * HOUR_MS).toISOString() })),
                null,
                2,
              ),
            );
          else printStats(print, rows);
        });
      },
    );
}
