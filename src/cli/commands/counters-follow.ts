import { resolve } from 'node:path';
import type { Command } from 'commander';
import { importOptions } from '../../counters/import.ts';
import { FileFollower, LiveIngest } from '../../counters/live.ts';
import { context, untilSignal, withStore, type Print } from '../context.ts';

export function define(cmd: Command, print: Print): void {
  cmd
    .argument('<file>', 'the log file')
    .option('--sensor <name>', 'the sensor this log comes from (default: counters.sensor)')
    .option('--from-start', 'read the file from its beginning, not from its current end')
    .action(async (file: string, opts: { sensor?: string; fromStart?: boolean }, cmd: Command) => {
      const ctx = context(cmd, print);
      await withStore(ctx, async (store) => {
        const live = new LiveIngest(store, importOptions(ctx.loaded.config, opts.sensor), ctx.log);
        const f = new FileFollower(resolve(file), live, ctx.log, opts.fromStart);
        f.start();
        print(`following ${file}; stop with SIGTERM`);
        await untilSignal();
        f.close();
        live.close();
        print(`${live.lines} lines read`);
      });
    });
}
