import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * Structured logs go to stderr, one JSON event per line, so that stdout stays clean for
 * `--json` output and summaries.
 */
export function createLogger(level: string): Logger {
  return pino(
    {
      level,
      base: { app: 'kansoku' },
      redact: { paths: ['password', '*.password', 'auth.pass', '*.auth.pass'], censor: '[redacted]' },
    },
    pino.destination(2),
  );
}
