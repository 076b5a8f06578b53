import type { Command } from 'commander';
import { createApp, type App, type Context } from '../app.ts';
import type { LoadedConfig } from '../config/load.ts';
import type { Logger } from '../log.ts';
import type { Store } from '../store/index.ts';

/** Writes one line of a command's human output (stdout unless main() was handed another writer). */
export type Print = (s: string) => void;

interface GlobalOptions {
  config?: string;
  db?: string;
  logLevel?: string;
}

/** What a command's action works with: the app made by the composition root, and where to print. */
export interface Cli {
  app: App;
  loaded: LoadedConfig;
  log: Logger;
  out: Print;
}

export function context(cmd: Command, out: Print): Cli {
  const g = cmd.optsWithGlobals<GlobalOptions>();
  const app = createApp({ config: g.config, db: g.db, logLevel: g.logLevel });
  return { app, loaded: app.loaded, log: app.log, out };
}

export function withStore<T>(ctx: Cli, fn: (store: Store, c: Context) => Promise<T> | T): Promise<T> {
  return ctx.app.run((c) => fn(c.store, c));
}

/** For the commands that run until stopped: resolves on SIGTERM or SIGINT. */
export function untilSignal(): Promise<void> {
  return new Promise((r) => {
    process.once('SIGTERM', () => r());
    process.once('SIGINT', () => r());
  });
}
