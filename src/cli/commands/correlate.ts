import type { Command } from 'commander';
import { correlate, reportTime } from '../../correlate/correlate.ts';
import { ownNetworkSources } from '../../correlate/own.ts';
import { OwnNetworks } from '../../extract/notations.ts';
import { checkIsoTime } from '../args.ts';
import { context, withStore, type Print } from '../context.ts';
import { postAndReport } from '../post.ts';
import { printFindings } from '../print.ts';

export function define(cmd: Command, print: Print): void {
  cmd
    .argument('<file>', '.eml file, mbox (first message) or "-" for stdin')
    .option('--json', 'print the Findings as JSON (the stable contract)')
    .option('--at <time>', 'judge at this ISO time instead of the message Date')
    .action(async (file: string, opts: { json?: boolean; at?: string }, cmd: Command) => {
      const ctx = context(cmd, print);
      checkIsoTime('--at', opts.at);
      const { post, report } = await postAndReport(ctx, file);
      const own = ownNetworkSources(post, new OwnNetworks(ctx.loaded.config.operator.networks));
      await withStore(ctx, (store) => {
        const findings = correlate(report, store.counters, reportTime(report, opts.at), ctx.loaded.config.correlate);
        if (opts.json)
          print(
            JSON.stringify(
              {
                messageId: report.messageId,
                at: reportTime(report, opts.at).toISOString(),
                findings,
                ownNetworkSources: own,
              },
              null,
              2,
            ),
          );
        else printFindings(print, report, findings, own);
      });
    });
}
