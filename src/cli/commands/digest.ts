import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { parseWeek, previousWeek, weekOf } from '../../digest/week.ts';
import { KansokuError } from '../../errors.ts';
import { buildDigest, digestDraft } from '../../pipeline/digest.ts';
import { context, withStore, type Print } from '../context.ts';

export function define(cmd: Command, print: Print): void {
  cmd
    .option('--week <week>', 'ISO week such as 2026-W47 (default: the last full week)')
    .option('--dry-run', 'print the digest and write its charts, but store nothing')
    .option('--out <dir>', 'with --dry-run: where to write the .eml and the charts', '.')
    .action(async (opts: { week?: string; dryRun?: boolean; out: string }, cmd: Command) => {
      const ctx = context(cmd, print);
      const c = ctx.loaded.config;
      await withStore(ctx, async (_store, p) => {
        const week = opts.week
          ? parseWeek(opts.week, c.digest.timezone)
          : previousWeek(weekOf(new Date(), c.digest.timezone));
        if (opts.dryRun) {
          const d = await buildDigest(p, week);
          if (d.problems.length)
            throw new KansokuError(
              'OUTBOUND_REFUSED',
              'outbound',
              `the digest would be refused: ${d.problems.join('; ')}`,
            );
          mkdirSync(opts.out, { recursive: true });
          writeFileSync(resolve(opts.out, `digest-${week.id}.eml`), d.eml);
          for (const ch of d.charts) writeFileSync(resolve(opts.out, `digest-${week.id}-${ch.name}`), ch.png);
          print(`Subject: ${d.draft.subject}\n\n${d.draft.text}`);
          print(`(dry run: nothing stored; message and ${d.charts.length} charts written to ${opts.out})`);
          return;
        }
        const r = await digestDraft(p, week);
        print(r.created ? `digest ${week.id}: draft #${r.id}` : `digest ${week.id}: already drafted as #${r.id}`);
      });
    });
}
