import { createHash, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { Store } from '../../src/store/index.ts';
import { PostgresSql } from '../../src/store/sql.ts';

/**
 * The suite runs twice (vitest.config.ts): on SQLite, and on the real PostgreSQL server that
 * scripts/pg-stack.sh starts, whose URL is then in KANSOKU_TEST_PG. Each test store is a schema
 * of its own there, as it is a file of its own on SQLite.
 */
export const testPg = process.env.KANSOKU_TEST_PG || null;

let admin: PostgresSql | null = null;

/**
 * Test schemas are named `t_<when this run started, in seconds, base 36>_<id>`. The global setup
 * drops those of runs that started long ago, and leaves those of a suite running beside this one
 * on the same server: dropping them had broken that run's live tests mid-way.
 */
const RUN = Math.floor(Date.now() / 1000).toString(36);
const schemaName = (id: string) => `t_${RUN}_${id}`;

/** When the run that made a test schema started (epoch ms); null for a name of another shape. */
export function schemaRunStart(name: string): number | null {
  const m = /^t_([0-9a-z]{1,8})_/.exec(name);
  return m ? parseInt(m[1]!, 36) * 1000 : null;
}

function schemaUrl(schema: string): string {
  admin ??= new PostgresSql(testPg!);
  admin.exec(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
  return `${testPg}${testPg!.includes('?') ? '&' : '?'}options=-csearch_path%3D${schema}`;
}

/** Where a test keeps its store `name` in `dir`: a SQLite file there, or a schema named after it. */
export function storeAt(dir: string, name = 'kansoku'): string {
  if (!testPg) return join(dir, `${name}.sqlite`);
  return schemaUrl(schemaName(createHash('sha256').update(`${dir}\0${name}`).digest('hex').slice(0, 20)));
}

/** A new, empty store for one test. */
export function openTestStore(): Store {
  return Store.open(testPg ? schemaUrl(schemaName(randomUUID().replace(/-/g, '').slice(0, 20))) : ':memory:');
}

/** The `store:` section of a config that points at `storeAt(dir)`. */
export function storeConfig(dir: string): { sqlite: string } | { postgres: string } {
  const at = storeAt(dir);
  return testPg ? { postgres: at } : { sqlite: at };
}
