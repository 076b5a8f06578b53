import type { Command } from 'commander';
import { draftId } from '../args.ts';
import { context, withStore, type Print } from '../context.ts';
import { printDraft } from '../print.ts';

export function define(cmd: Command, print: Print): void {
  cmd
    .argument('<id>', 'draft number')
    .option('--eml', 'print the raw message as it would be sent')
    .option('--json', 'print as JSON')
    .action(async (id: string, opts: { eml?: boolean; json?: boolean }, cmd: Command) => {
      const ctx = context(cmd, print);
      await withStore(ctx, (store) => {
        const d = store.drafts.get(draftId(id));
        const history = store.drafts.history(d.id);
        // The post a draft answers holds the Decision that made it; a digest answers none.
        const source = store.messages.get(d.sourceMessageId);
        if (opts.eml) print(d.eml.toString('utf8'));
        else if (opts.json) {
          print(JSON.stringify({ ...d, eml: undefined, history, decision: source?.decision ?? null }, null, 2));
        } else printDraft(print, d, history, source);
      });
    });
}
