import type { Config } from './config/schema.ts';
import type { Logger } from './log.ts';
import type { Store } from './store/index.ts';

/** Where the pipeline reads the time: the system clock in use, a fixed one in tests and replays. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/**
 * What a running kansoku works with. Only `src/app.ts` builds one; the CLI, the daemon and the
 * tests take theirs from it, and each stage takes from it the narrow part it uses.
 */
export interface Context {
  config: Config;
  store: Store;
  log: Logger;
  clock: Clock;
  /** Who the audit trail names for what the bot does on its own. */
  actor: string;
}
