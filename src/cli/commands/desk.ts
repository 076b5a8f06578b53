import type { Command } from 'commander';
import { KansokuError } from '../../errors.ts';
import { actor } from '../args.ts';
import { context, untilSignal, withStore, type Print } from '../context.ts';

export function define(cmd: Command, print: Print): void {
  cmd
    .option('--port <n>', 'the port to listen on (default desk.port, 8425; 0 picks a free one)')
    .option('--host <addr>', 'the address to listen on (default desk.host, 127.0.0.1)')
    .option('--by <name>', 'who decides on the desk (default: $KANSOKU_ACTOR or the login name)')
    .action(async (opts: { port?: string; host?: string; by?: string }, cmd: Command) => {
      const ctx = context(cmd, print);
      const port = opts.port === undefined ? ctx.loaded.config.desk.port : Number(opts.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535)
        throw new KansokuError('USAGE', 'cli', `--port ${opts.port}: not a port number`);
      await withStore(ctx, async (_store, c) => {
        // Fastify and the pages load for this command only.
        const { startDesk } = await import('../../desk/server.ts');
        const by = actor(opts.by);
        const desk = await startDesk(c, { host: opts.host ?? c.config.desk.host, port, actor: by });
        print(`kansoku desk on ${desk.url} (decisions recorded as ${by}); stop with Ctrl-C`);
        print(`log in once with: ${desk.loginUrl}`);
        await untilSignal();
        await desk.close();
      });
    });
}
