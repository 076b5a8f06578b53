import { Option, type Command } from 'commander';
import type { DraftStatus } from '../../model.ts';
import { context, withStore, type Print } from '../context.ts';
import { printDrafts } from '../print.ts';

export function define(cmd: Command, print: Print): void {
  cmd
    .addOption(
      new Option('--status <status>', 'only drafts with this status').choices([
        'draft',
        'held',
        'approved',
        'rejected',
        'sent',
      ]),
    )
    .option('--json', 'print as JSON')
    .action(async (opts: { status?: DraftStatus; json?: boolean }, cmd: Command) => {
      const ctx = context(cmd, print);
      await withStore(ctx, (store) => {
        const list = store.drafts.list(opts.status);
        if (opts.json)
          print(
            JSON.stringify(
              list.map(({ eml: _eml, text: _text, ...d }) => d),
              null,
              2,
            ),
          );
        else printDrafts(print, list);
      });
    });
}
