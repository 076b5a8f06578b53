import type { Command } from 'commander';
import { importOptions } from '../../counters/import.ts';
import { listenSyslog, LiveIngest } from '../../counters/live.ts';
import { KansokuError } from '../../errors.ts';
import { context, untilSignal, withStore, type Print } from '../context.ts';

export function define(cmd: Command, print: Print): void {
  cmd
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .option('--udp <port>', 'UDP port')
    .option('--tcp <port>', 'TCP port')
    .option('--sensor <name>', 'the sensor name for what arrives (default: counters.sensor)')
    .action(async (opts: { host: string; udp?: string; tcp?: string; sensor?: string }, cmd: Command) => {
      const ctx = context(cmd, print);
      if (opts.udp === undefined && opts.tcp === undefined)
        throw new KansokuError('INPUT_UNREADABLE', 'cli', 'give --udp PORT, --tcp PORT or both');
      await withStore(ctx, async (store) => {
        const live = new LiveIngest(store, importOptions(ctx.loaded.config, opts.sensor), ctx.log);
        const l = await listenSyslog(
          live,
          {
            host: opts.host,
            udpPort: opts.udp === undefined ? undefined : Number(opts.udp),
            tcpPort: opts.tcp === undefined ? undefined : Number(opts.tcp),
          },
          ctx.log,
        );
        const ports = `${l.udpPort ? ` udp/${l.udpPort}` : ''}${l.tcpPort ? ` tcp/${l.tcpPort}` : ''}`;
        print(`listening for syslog on ${opts.host}${ports}; stop with SIGTERM`);
        await untilSignal();
        await l.close();
        live.close();
        print(`${live.lines} messages received`);
      });
    });
}
