import type { Command } from 'commander';
import { context, withStore, type Print } from '../context.ts';
import { eventSummary } from '../../events/summary.ts';
import { printEvents } from '../print.ts';

export function define(cmd: Command, print: Print): void {
  cmd.option('--json', 'print as JSON (the stable contract)').action(async (opts: { json?: boolean }, cmd: Command) => {
    const ctx = context(cmd, print);
    await withStore(ctx, (store) => {
      const list = store.events.list().map((e) => eventSummary(store, e.id));
      if (opts.json) print(JSON.stringify(list, null, 2));
      else printEvents(print, list);
    });
  });
}
