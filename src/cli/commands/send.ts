import type { Command } from 'commander';
import { dispatchOnce } from '../../pipeline/daemon.ts';
import { context, withStore, type Print } from '../context.ts';
import { printDispatch } from '../print.ts';

export function define(cmd: Command, print: Print): void {
  cmd.option('--json', 'print the outcome as JSON').action(async (opts: { json?: boolean }, cmd: Command) => {
    const ctx = context(cmd, print);
    await withStore(ctx, async (store) => {
      const r = await dispatchOnce(ctx.loaded.config, store, ctx.log);
      if (opts.json) print(JSON.stringify(r));
      else printDispatch(print, r);
    });
  });
}
