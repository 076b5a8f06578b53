import type { Command } from 'commander';
import { KansokuError } from '../../errors.ts';
import { context, withStore, type Print } from '../context.ts';
import { eventSummary } from '../../events/summary.ts';
import { printEvent } from '../print.ts';

export function define(cmd: Command, print: Print): void {
  cmd
    .argument('<id>', 'event number')
    .option('--json', 'print as JSON')
    .action(async (id: string, opts: { json?: boolean }, cmd: Command) => {
      const ctx = context(cmd, print);
      await withStore(ctx, (store) => {
        const n = Number(id.replace(/^#/, ''));
        if (!Number.isInteger(n) || !store.events.get(n))
          throw new KansokuError('INPUT_UNREADABLE', 'cli', `no event ${id}`);
        const detail = {
          ...eventSummary(store, n),
          posts: store.events.posts(n).map((p) => ({ ...p, subject: store.messages.subject(p.messageId) })),
        };
        if (opts.json) print(JSON.stringify(detail, null, 2));
        else printEvent(print, detail);
      });
    });
}
