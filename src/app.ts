/**
 * The composition root: config in, a working context out. This is the one place that opens the
 * store, makes the logger and picks the clock; everything else is handed what it needs.
 */
import { resolve } from 'node:path';
import { loadConfig, type LoadedConfig } from './config/load.ts';
import type { Config } from './config/schema.ts';
import { systemClock, type Clock, type Context } from './context.ts';
import { createLogger, type Logger } from './log.ts';
import type { Store } from './store/index.ts';
import { isPostgresUrl } from './store/sql.ts';

export type { Clock, Context } from './context.ts';

export interface AppOptions {
  /** Config file; default ./kansoku.yaml when present, else the embedded demo. */
  config?: string;
  /** A SQLite file or postgres:// URL to use instead of the configured store. */
  db?: string;
  logLevel?: string;
  clock?: Clock;
  cwd?: string;
}

export interface App {
  loaded: LoadedConfig;
  config: Config;
  log: Logger;
  clock: Clock;
  /** Opens the configured store and runs `fn` with a context on it; the store closes after. */
  run<T>(fn: (ctx: Context) => Promise<T> | T): Promise<T>;
}

/** The bot as configured by `opts`, the environment (KANSOKU_DB, KANSOKU_LOG_LEVEL) and its config file. */
export function createApp(opts: AppOptions = {}): App {
  const loaded = loadConfig(opts.config, opts.cwd);
  const db = opts.db ?? process.env.KANSOKU_DB;
  if (db) {
    loaded.config.store = isPostgresUrl(db) ? { ...loaded.config.store, postgres: db } : { sqlite: resolve(db) };
  }
  const log = createLogger(opts.logLevel ?? process.env.KANSOKU_LOG_LEVEL ?? 'warn');
  const clock = opts.clock ?? systemClock;
  const config = loaded.config;
  return {
    loaded,
    config,
    log,
    clock,
    async run(fn) {
      const store = await openStore(config);
      try {
        return await fn(contextFor(config, store, { log, clock }));
      } finally {
        store.close();
      }
    },
  };
}

/**
 * Opens the configured store. The store code and its native drivers load only here, so that a
 * command that never opens the store (kansoku extract) does not load them.
 */
export async function openStore(config: Config): Promise<Store> {
  const { Store } = await import('./store/index.ts');
  return Store.open(config.store.postgres ?? config.store.sqlite);
}

/**
 * A context on a store that is already open: the daemon's, or a test's. The bot's own actor is
 * `kansoku` unless told otherwise.
 */
export function contextFor(
  config: Config,
  store: Store,
  opts: { log?: Logger; clock?: Clock; actor?: string } = {},
): Context {
  return {
    config,
    store,
    log: opts.log ?? createLogger('silent'),
    clock: opts.clock ?? systemClock,
    actor: opts.actor ?? 'kansoku',
  };
}
