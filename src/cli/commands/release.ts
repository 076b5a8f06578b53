import type { Command } from 'commander';
import { releaseDraft } from '../../pipeline/release.ts';
import { actor, draftId } from '../args.ts';
import { context, withStore, type Print } from '../context.ts';
import { decisionCommand } from '../decide.ts';

export function define(cmd: Command, print: Print): void {
  decisionCommand(cmd, async (id, opts, cmd) => {
    const ctx = context(cmd, print);
    await withStore(ctx, async (_store, c) => {
      const by = actor(opts.by);
      const r = await releaseDraft({ ...c, actor: by }, draftId(id), by, opts.note ?? null);
      print(`draft #${r.draft.id} ${r.draft.status} by ${by}: ${r.draft.subject}`);
      if (r.movedTo) print(`moved to ${r.movedTo}`);
      if (r.requested) print(`review request queued for ${ctx.loaded.config.review.address}`);
    });
  });
}
