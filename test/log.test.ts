import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../src/log.ts';
import { root } from './helpers/paths.ts';

/** What a process that logs through createLogger(level) writes to stderr. */
function logged(level: string, script: string): string[] {
  const code =
    "import { createLogger } from './src/log.ts';\n" + `const log = createLogger(${JSON.stringify(level)});\n${script}`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {
    cwd: root,
    encoding: 'utf8',
  });
  expect(r.status, r.stderr).toBe(0);
  expect(r.stdout).toBe('');
  return r.stderr.trim().split('\n').filter(Boolean);
}

describe('the logger', () => {
  it('writes one JSON event per line to stderr, at the level asked, passwords redacted, children included', () => {
    const lines = logged(
      'info',
      "log.debug('hidden'); log.info({ password: 'hunter2' }, 'connected');\n" +
        "log.child({ mailbox: 'INBOX' }).warn('slow');",
    ).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toMatchObject([
      { level: 30, app: 'kansoku', msg: 'connected', password: '[redacted]' },
      { level: 40, msg: 'slow', mailbox: 'INBOX' },
    ]);
    expect(JSON.stringify(lines)).not.toContain('hunter2');
  });

  it('tells its level, and takes a new one', () => {
    const lines = logged('warn', "log.info('no'); log.level = 'info'; log.info({ level: log.level }, 'yes');");
    expect(lines.map((l) => (JSON.parse(l) as { msg: string }).msg)).toEqual(['yes']);
  });

  it('refuses a level pino does not know when it is asked for, not at its first line', () => {
    expect(() => createLogger('loud')).toThrowError(/loud/);
  });
});
