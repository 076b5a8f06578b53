import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { buildCli, buildIsStale } from '../scripts/build.ts';
import { PostgresSql } from '../src/store/sql.ts';
import { mailStackUp } from './helpers/mailstack.ts';
import { root } from './helpers/paths.ts';
import { schemaRunStart } from './helpers/store.ts';

/** A run takes minutes; a test schema this much older is a leftover. */
const STALE_SCHEMA_MS = 6 * 3_600_000;

/**
 * The tests run the CLI as users do, from dist/: it is rebuilt first when src/ changed since, so
 * that a test run after an edit (even of one test file) runs the edited code.
 * The live tests talk to real Dovecot and Postfix on loopback, and the PostgreSQL run of the suite
 * to a real PostgreSQL server; start them once (idempotent). Schemas left by earlier runs go, not
 * those of a run going on beside this one.
 */
export default async function setup(): Promise<void> {
  if (buildIsStale()) await buildCli();
  mailStackUp();
  const r = spawnSync('bash', [join(root, 'scripts', 'pg-stack.sh'), 'up'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`postgresql did not start: ${r.stderr}`);
  ensurePgDriver();
  const pg = new PostgresSql(pgTestUrl());
  try {
    const old = pg.all<{ name: string }>("SELECT nspname AS name FROM pg_namespace WHERE nspname LIKE 't\\_%'");
    for (const { name } of old) {
      const started = schemaRunStart(name);
      if (started === null || Date.now() - started > STALE_SCHEMA_MS) pg.exec(`DROP SCHEMA IF EXISTS ${name} CASCADE`);
    }
  } finally {
    pg.close();
  }
}

/**
 * pg-native is an optional dependency, compiled against libpq at `npm ci`; where libpq-dev came
 * only now (pg-stack.sh installs it), it is compiled here once.
 */
function ensurePgDriver(): void {
  const require = createRequire(import.meta.url);
  try {
    require('pg-native');
    return;
  } catch {
    const env = { ...process.env, ...(existsSync('/usr/include/node/node.h') ? { npm_config_nodedir: '/usr' } : {}) };
    const b = spawnSync('npm', ['rebuild', 'libpq'], { cwd: root, encoding: 'utf8', env });
    if (b.status !== 0) throw new Error(`pg-native could not be built against libpq: ${b.stderr}`);
  }
}

export function pgTestUrl(): string {
  return process.env.KANSOKU_TEST_PG_URL ?? 'postgres://kansoku:secret@127.0.0.1:15432/kansoku';
}
