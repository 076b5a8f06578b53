import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { root } from './paths.ts';
import { storeAt, testPg } from './store.ts';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the real CLI, as a user would, in `cwd`. */
export function kansoku(args: string[], cwd: string, input?: string | Buffer): CliResult {
  const r = spawnSync(process.execPath, [join(root, 'bin', 'kansoku.js'), ...args], {
    cwd,
    input,
    encoding: 'utf8',
    // On the PostgreSQL run, a command without --db gets the store of its working directory there.
    env: {
      ...process.env,
      KANSOKU_LOG_LEVEL: 'warn',
      KANSOKU_ACTOR: 'tester',
      ...(testPg && !args.includes('--db') ? { KANSOKU_DB: storeAt(cwd) } : {}),
    },
    timeout: 60_000,
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

export function scratch(): string {
  return mkdtempSync(join(tmpdir(), 'kansoku-test-'));
}
