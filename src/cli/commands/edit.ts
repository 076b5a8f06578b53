import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { splitParts } from '../../draft/render.ts';
import { KansokuError } from '../../errors.ts';
import { editDraft, notEditable } from '../../pipeline/edit.ts';
import { actor, draftId } from '../args.ts';
import { context, withStore, type Print } from '../context.ts';

/** The editor a person set for programs to open, as git and crontab look for it. */
function editor(): string {
  return process.env.VISUAL || process.env.EDITOR || 'vi';
}

export function define(cmd: Command, print: Print): void {
  cmd
    .argument('<id>', 'draft number')
    .option('--by <name>', 'who edits (default: $KANSOKU_ACTOR or the login name)')
    .option('--note <text>', 'why, for the audit trail')
    .action(async (id: string, opts: { by?: string; note?: string }, cmd: Command) => {
      const ctx = context(cmd, print);
      await withStore(ctx, async (store, c) => {
        const d = store.drafts.get(draftId(id));
        const not = notEditable(c, d);
        if (not) throw new KansokuError('DRAFT_EDIT_REFUSED', 'cli', not);
        // The draft may carry TLP material: a directory of its own, readable by this user only.
        const dir = mkdtempSync(join(tmpdir(), 'kansoku-edit-'));
        const file = join(dir, `draft-${d.id}.txt`);
        writeFileSync(file, d.text, { mode: 0o600 });
        let keep = false;
        try {
          // $EDITOR may carry its own arguments ("code --wait"), as a shell reads it.
          const r = spawnSync('sh', ['-c', `${editor()} "$1"`, 'sh', file], { stdio: 'inherit' });
          if (r.status !== 0)
            throw new KansokuError('DRAFT_EDIT_REFUSED', 'cli', `${editor()} exited ${r.status ?? r.signal}`);
          const parts = splitParts(readFileSync(file, 'utf8'));
          if (!parts) {
            keep = true;
            throw new KansokuError(
              'DRAFT_EDIT_REFUSED',
              'cli',
              `the line of 60 dashes between the Japanese and the English part is gone; your text is in ${file}`,
            );
          }
          const by = actor(opts.by);
          const out = await editDraft({ ...c, actor: by }, d.id, {
            revision: d.revision,
            ...parts,
            note: opts.note ?? null,
          });
          if (out.status === 'unchanged') print(`draft #${d.id}: no change`);
          else if (out.status === 'refused') {
            keep = true;
            throw new KansokuError('DRAFT_EDIT_REFUSED', 'cli', `${out.reasons.join('; ')}; your text is in ${file}`);
          } else {
            const r = out.draft;
            print(`draft #${r.id} revision ${r.revision} stored by ${by}: ${r.subject}`);
            print(`approve it with "kansoku approve ${r.id} --revision ${r.revision}"`);
          }
        } finally {
          if (!keep) rmSync(dir, { recursive: true, force: true });
        }
      });
    });
}
