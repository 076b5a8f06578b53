import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { Config } from '../config/schema.ts';
import type { Context as Pipeline } from '../context.ts';
import type { Digest } from '../draft/digest.ts';
import { KansokuError } from '../errors.ts';
import { context, withStore, type Print } from './context.ts';

/** A command that drafts one message for a period (the weekly digest, the daily overview). */
export interface PeriodCommand<P extends { id: string }> {
  /** The message's name in the output: "digest", "overview". */
  name: string;
  /** The option naming the period, as commander takes it, and its help. */
  option: [flags: string, help: string];
  parse(id: string, config: Config): P;
  /** The period when none is named. */
  latest(config: Config, p: Pipeline): P;
  build(p: Pipeline, period: P): Promise<Digest & { eml: Buffer; problems: string[] }>;
  draft(p: Pipeline, period: P): Promise<{ id: number; created: boolean }>;
}

/** `--PERIOD`, `--dry-run` and `--out`, the same for every periodic message. */
export function definePeriodCommand<P extends { id: string }>(cmd: Command, print: Print, c: PeriodCommand<P>): void {
  cmd
    .option(...c.option)
    .option('--dry-run', `print the ${c.name} and write its charts, but store nothing`)
    .option('--out <dir>', 'with --dry-run: where to write the .eml and the charts', '.')
    .action(async (opts: Record<string, string | boolean | undefined>, cmd: Command) => {
      const ctx = context(cmd, print);
      const config = ctx.loaded.config;
      const given = Object.entries(opts).find(([k]) => k === c.option[0].slice(2).split(' ')[0])?.[1];
      await withStore(ctx, async (_store, p) => {
        const period = typeof given === 'string' ? c.parse(given, config) : c.latest(config, p);
        if (opts.dryRun) {
          const d = await c.build(p, period);
          if (d.problems.length)
            throw new KansokuError(
              'OUTBOUND_REFUSED',
              'outbound',
              `the ${c.name} would be refused: ${d.problems.join('; ')}`,
            );
          const out = String(opts.out);
          mkdirSync(out, { recursive: true });
          writeFileSync(resolve(out, `${c.name}-${period.id}.eml`), d.eml);
          for (const ch of d.charts) writeFileSync(resolve(out, `${c.name}-${period.id}-${ch.name}`), ch.png);
          print(`Subject: ${d.draft.subject}\n\n${d.draft.text}`);
          print(`(dry run: nothing stored; message and ${d.charts.length} charts written to ${out})`);
          return;
        }
        const r = await c.draft(p, period);
        print(
          r.created ? `${c.name} ${period.id}: draft #${r.id}` : `${c.name} ${period.id}: already drafted as #${r.id}`,
        );
      });
    });
}
