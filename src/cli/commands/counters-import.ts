import type { Command } from 'commander';
import { importFile, importOptions, importStream, type ImportOutcome } from '../../counters/import.ts';
import type { Store } from '../../store/index.ts';
import { context, withStore, type Cli, type Print } from '../context.ts';
import { printImport } from '../print.ts';

export function define(cmd: Command, print: Print): void {
  cmd
    .argument('[files...]', 'log files, plain or .gz; "-" for stdin')
    .option('--sensor <name>', 'the sensor these logs come from (default: counters.sensor)')
    .option('--json', 'print the outcome as JSON')
    .action(async (files: string[], opts: { json?: boolean; sensor?: string }, cmd: Command) => {
      const ctx = context(cmd, print);
      await withStore(ctx, async (store) => {
        const r = await importCounters(ctx, store, files.length ? files : ['-'], opts.sensor);
        if (opts.json) print(JSON.stringify(r, null, 2));
        else for (const o of r) printImport(print, o);
      });
    });
}

async function importCounters(ctx: Cli, store: Store, files: string[], sensor?: string): Promise<ImportOutcome[]> {
  const opts = importOptions(ctx.loaded.config, sensor);
  const out: ImportOutcome[] = [];
  for (const f of files) {
    out.push(
      f === '-'
        ? await importStream(store, 'stdin', process.stdin, opts, ctx.log)
        : await importFile(store, f, opts, ctx.log),
    );
  }
  return out;
}
