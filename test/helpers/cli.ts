import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { root } from './paths.ts';
import { storeAt, testPg } from './store.ts';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

const bin = join(root, 'bin', 'kansoku.js');

function cliEnv(args: string[], cwd: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    KANSOKU_LOG_LEVEL: 'warn',
    KANSOKU_ACTOR: 'tester',
    // On the PostgreSQL run, a command without --db gets the store of its working directory there.
    ...(testPg && !args.includes('--db') ? { KANSOKU_DB: storeAt(cwd) } : {}),
    ...extra,
  };
}

/** Runs the real CLI, as a user would, in `cwd`. */
export function kansoku(args: string[], cwd: string, input?: string | Buffer, env?: NodeJS.ProcessEnv): CliResult {
  const r = spawnSync(process.execPath, [bin, ...args], {
    cwd,
    input,
    encoding: 'utf8',
    env: cliEnv(args, cwd, env),
    timeout: 60_000,
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** A CLI command that runs until stopped (`counters follow`, `counters listen`), started in `cwd`. */
export interface CliProcess {
  proc: ChildProcess;
  /** Resolves with stdout so far once it matches `re`. */
  output(re: RegExp): Promise<string>;
  /** SIGTERM, then what it printed and its exit code. */
  stop(): Promise<CliResult>;
}

export function kansokuProcess(args: string[], cwd: string): CliProcess {
  const proc = spawn(process.execPath, [bin, ...args], { cwd, env: cliEnv(args, cwd) });
  let stdout = '';
  let stderr = '';
  const waiting: Array<() => void> = [];
  proc.stdout.on('data', (b: Buffer) => {
    stdout += b.toString('utf8');
    for (const w of waiting.splice(0)) w();
  });
  proc.stderr.on('data', (b: Buffer) => (stderr += b.toString('utf8')));
  const exited = new Promise<number>((r) => proc.on('exit', (code) => r(code ?? -1)));
  return {
    proc,
    output(re) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (re.test(stdout)) resolve(stdout);
          else if (proc.exitCode !== null) reject(new Error(`kansoku exited: ${stdout}${stderr}`));
          else waiting.push(check);
        };
        proc.on('exit', check);
        check();
      });
    },
    async stop() {
      proc.kill('SIGTERM');
      const code = await exited;
      return { code, stdout, stderr };
    },
  };
}

/**
 * The source files a CLI run loads, relative to the project (`src/cli/main.ts`,
 * `node_modules/zod/...`): the ES modules Node reports loading (NODE_DEBUG=esm), each compiled
 * chunk read back into the files esbuild bundled into it (dist/meta.json), and the CommonJS
 * files required from outside the bundle (NODE_DEBUG=module).
 */
export function loadedSources(args: string[], cwd: string): string[] {
  const r = spawnSync(process.execPath, [bin, ...args], {
    cwd,
    encoding: 'utf8',
    env: cliEnv(args, cwd, { NODE_DEBUG: 'esm,module' }),
    timeout: 60_000,
  });
  if (r.status !== 0) throw new Error(`kansoku ${args.join(' ')} failed: ${r.stderr.slice(-2000)}`);
  const meta = JSON.parse(readFileSync(join(root, 'dist', 'meta.json'), 'utf8')) as {
    outputs: Record<string, { inputs: Record<string, unknown> }>;
  };
  const files = new Set<string>();
  for (const [, url] of r.stderr.matchAll(/^ESM \d+: Translating \w+ (file:\S+)$/gm)) {
    const rel = relative(root, fileURLToPath(url!));
    const chunk = rel.startsWith('dist/') ? meta.outputs[rel.slice('dist/'.length)] : undefined;
    // A stand-in of scripts/lazy-deps.ts is not its package, which shows below when it loads.
    for (const f of chunk ? Object.keys(chunk.inputs) : [rel]) if (!f.startsWith('lazy-dep:')) files.add(f);
  }
  for (const [, path] of r.stderr.matchAll(/^MODULE \d+: load "([^"]+)" for module/gm))
    files.add(relative(root, path!));
  return [...files].sort();
}

export function scratch(): string {
  return mkdtempSync(join(tmpdir(), 'kansoku-test-'));
}
