import type { Command } from 'commander';
import { pruneCounters } from '../../counters/retention.ts';
import { context, withStore, type Print } from '../context.ts';

export function define(cmd: Command, print: Print): void {
  cmd.action(async (_opts: unknown, cmd: Command) => {
    const ctx = context(cmd, print);
    await withStore(ctx, (store) => {
      const r = pruneCounters(store, ctx.loaded.config, new Date());
      print(`pruned ${r.rollups} rollup rows and ${r.recent} raw events`);
    });
  });
}
