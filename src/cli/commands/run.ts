import type { Command } from 'commander';
import { importConfigured } from '../../counters/import.ts';
import { detectSourceType, openSource, type MessageSource } from '../../mail/sources.ts';
import { dispatchOnce, imapCatchUp, runDaemon } from '../../pipeline/daemon.ts';
import { advise } from '../../pipeline/advise.ts';
import { OverviewScheduler } from '../../pipeline/overview.ts';
import { processSources, type RunSummary } from '../../pipeline/process.ts';
import { context, withStore, type Print } from '../context.ts';
import { printDispatch, printSummary } from '../print.ts';

export function define(cmd: Command, print: Print): void {
  cmd
    .argument(
      '[paths...]',
      'Maildir folders, mbox files or .eml files to process instead of the configured sources ("-" for stdin)',
    )
    .option(
      '--watch',
      'stay up: wait for new mail on IMAP (IDLE), send approved drafts, run periodic jobs; stop with SIGTERM',
    )
    .option('--json', 'print the summary as JSON')
    .action(async (paths: string[], opts: { json?: boolean; watch?: boolean }, cmd: Command) => {
      const ctx = context(cmd, print);
      const c = ctx.loaded.config;
      await withStore(ctx, async (store, pipeline) => {
        const imports = await importConfigured(store, c, ctx.log);
        const sources: MessageSource[] = paths.length
          ? paths.map((p) => openSource(detectSourceType(p), p))
          : c.sources.map((s) => openSource(s.type, s.path));
        const summary: RunSummary = await processSources(sources, pipeline);
        if (opts.watch) {
          const watched = await runDaemon(pipeline, (folders) => {
            ctx.log.info({ folders }, 'watching');
            print(`watching ${folders.length ? folders.join(', ') : 'no IMAP folder'}; stop with SIGTERM`);
          });
          printSummary(print, watched, imports, ctx.loaded, c.draft.outbox);
          return;
        }
        if (!paths.length) {
          try {
            await imapCatchUp(pipeline, summary);
          } catch (err) {
            // The mailbox being out of reach must not keep approved drafts from going out.
            ctx.log.error({ err: (err as Error).message }, 'IMAP catch-up failed');
            process.stderr.write(`kansoku: IMAP catch-up failed: ${(err as Error).message}\n`);
            process.exitCode = 1;
          }
        }
        // After the posts: a rise members already report gets our reply in their thread, not an advisory.
        await advise(pipeline, summary);
        // The daily overview of the last whole day of sensor data, once per day.
        const overview = await new OverviewScheduler(pipeline).tick();
        if (overview !== null) {
          const d = store.drafts.get(overview);
          summary.drafts.push({ id: d.id, subject: d.subject, path: d.emlPath });
        }
        const sent = await dispatchOnce(c, store, ctx.log);
        if (opts.json) print(JSON.stringify({ imports, ...summary, sent }, null, 2));
        else {
          printSummary(print, summary, imports, ctx.loaded, c.draft.outbox);
          if (sent.sent || sent.found || sent.failed || sent.waiting || sent.refused) printDispatch(print, sent);
        }
      });
    });
}
