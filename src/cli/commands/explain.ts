import type { Command } from 'commander';
import { KansokuError } from '../../errors.ts';
import { context, withStore, type Print } from '../context.ts';
import { printDecision } from '../print.ts';

/** A Message-ID as people paste it: with or without its angle brackets. */
function messageIdOf(s: string): string {
  const id = s.trim();
  return id.startsWith('<') ? id : `<${id}>`;
}

export function define(cmd: Command, print: Print): void {
  cmd
    .argument('<message-id>', 'the Message-ID of a message the bot has read (angle brackets optional)')
    .option('--json', 'print the Decision as JSON')
    .action(async (raw: string, opts: { json?: boolean }, cmd: Command) => {
      const ctx = context(cmd, print);
      await withStore(ctx, (store) => {
        const id = messageIdOf(raw);
        const m = store.messages.get(id);
        if (!m) throw new KansokuError('MESSAGE_NOT_FOUND', 'cli', `the bot has not read ${id}`);
        if (opts.json) {
          print(JSON.stringify({ messageId: m.messageId, status: m.status, decision: m.decision }, null, 2));
        } else printDecision(print, m.messageId, m.status, m.decision);
      });
    });
}
