import { destination, pino, type Logger } from 'pino';

export type { Logger };

/** pino's own levels: a name outside them is refused when the logger is asked for, not at its first line. */
const LEVELS = new Set(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);

/**
 * Structured logs go to stderr, one JSON event per line, so that stdout stays clean for
 * `--json` output and summaries.
 *
 * The logger is made at its first use: most short commands (`kansoku extract`) log nothing, and
 * loading pino, which the build leaves to Node (see scripts/lazy-deps.ts), cost about a twentieth
 * of their start.
 */
export function createLogger(level: string): Logger {
  let made: Logger | undefined;
  const make = () =>
    (made ??= pino(
      {
        level,
        base: { app: 'kansoku' },
        redact: { paths: ['password', '*.password', 'auth.pass', '*.auth.pass'], censor: '[redacted]' },
      },
      destination(2),
    ));
  if (!LEVELS.has(level)) return make();
  return new Proxy({} as Logger, {
    get(_, key) {
      const log = make();
      const value: unknown = Reflect.get(log, key, log);
      return typeof value === 'function' ? value.bind(log) : value;
    },
    set: (_, key, value) => Reflect.set(make(), key, value),
    has: (_, key) => Reflect.has(make(), key),
  });
}
