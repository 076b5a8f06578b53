import type { Command } from 'commander';
import { decide, sendAfter } from '../review/transitions.ts';
import { actor, draftId } from './args.ts';
import { context, withStore, type Print } from './context.ts';

export interface DecisionOptions {
  by?: string;
  note?: string;
  revision?: string;
}

/** approve, reject and release take the same draft number and audit-trail options. */
export function decisionCommand(
  cmd: Command,
  action: (id: string, opts: DecisionOptions, cmd: Command) => Promise<void>,
): void {
  cmd
    .argument('<id>', 'draft number')
    .option('--by <name>', 'who decides (default: $KANSOKU_ACTOR or the login name)')
    .option('--note <text>', 'a note for the audit trail')
    .action(action);
}

/** approve or reject: the store records who decided and when; an approval waits review.sendDelaySeconds. */
export function defineDecision(cmd: Command, print: Print, action: 'approve' | 'reject'): void {
  if (action === 'approve')
    cmd.option(
      '--revision <n>',
      'the revision you read (kansoku show prints it); a draft revised since is refused',
      '1',
    );
  decisionCommand(cmd, async (id, opts, cmd) => {
    const ctx = context(cmd, print);
    const delay = ctx.loaded.config.review.sendDelaySeconds;
    await withStore(ctx, (store) => {
      const after = action === 'approve' ? sendAfter(delay) : null;
      const revision = opts.revision === undefined ? undefined : draftId(opts.revision);
      const d = decide(store, draftId(id), action, actor(opts.by), opts.note ?? null, after, revision);
      print(`draft #${d.id} ${d.status} by ${actor(opts.by)}: ${d.subject}`);
      if (after) print(`it is sent from ${after} on; "kansoku reject ${d.id}" takes it back until then`);
    });
  });
}
