import type { Command } from 'commander';
import { context, type Print } from '../context.ts';
import { postAndReport } from '../post.ts';
import { printReport } from '../print.ts';

export function define(cmd: Command, print: Print): void {
  cmd
    .argument('<file>', '.eml file, mbox (first message) or "-" for stdin')
    .option('--json', 'print the Report as JSON (the stable contract)')
    .action(async (file: string, opts: { json?: boolean }, cmd: Command) => {
      const ctx = context(cmd, print);
      const { report } = await postAndReport(ctx, file);
      if (opts.json) print(JSON.stringify(report, null, 2));
      else printReport(print, report);
    });
}
