import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { load as parseYaml } from 'js-yaml';
import { KansokuError } from '../errors.ts';
import { packageRoot } from '../package-root.ts';
import { configSchema, type Config } from './schema.ts';

export { packageRoot };
export const embeddedConfigPath = resolve(packageRoot, 'fixtures/demo/kansoku.yaml');
/** The templates kansoku comes with: the drafts' wording unless the config names another folder. */
export const packagedTemplates = resolve(packageRoot, 'templates');

export interface LoadedConfig {
  config: Config;
  /** The file it came from; `embedded` marks the built-in demo default. */
  path: string;
  embedded: boolean;
}

/**
 * Reads and validates a config. Input paths (sources, counter files) resolve against the config
 * file's folder, so a config can travel with its data; working state (store, outbox) resolves
 * against the working directory, so the embedded default writes `./outbox/` where it is run.
 */
export function loadConfig(path?: string, cwd = process.cwd()): LoadedConfig {
  const local = resolve(cwd, 'kansoku.yaml');
  const file = path ? resolve(cwd, path) : existsSync(local) ? local : embeddedConfigPath;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new KansokuError('CONFIG_UNREADABLE', 'config', `${file}: ${(err as Error).message}`, { cause: err });
  }
  let raw: unknown;
  try {
    raw = parseYaml(text) ?? {};
  } catch (err) {
    throw new KansokuError('CONFIG_INVALID', 'config', `${file}: not valid YAML: ${(err as Error).message}`);
  }
  const config = validateConfig(raw, file);
  const base = dirname(file);
  for (const s of config.sources) s.path = resolve(base, s.path);
  config.counters.files = config.counters.files.map((f) =>
    typeof f === 'string' ? resolve(base, f) : { ...f, path: resolve(base, f.path) },
  );
  if (config.counters.countryDb) config.counters.countryDb = resolve(base, config.counters.countryDb);
  if (config.auth.pgpKeyring) config.auth.pgpKeyring = resolve(base, config.auth.pgpKeyring);
  config.store.sqlite = resolve(cwd, config.store.sqlite);
  config.draft.outbox = resolve(cwd, config.draft.outbox);
  config.draft.templates = resolve(base, config.draft.templates);
  return { config, path: file, embedded: file === embeddedConfigPath };
}

/** Validates a parsed config and names every problem at once, each with its key. */
export function validateConfig(raw: unknown, file = '<config>'): Config {
  const result = configSchema.safeParse(raw);
  if (result.success) {
    const draft = { ...result.data.draft, templates: result.data.draft.templates ?? packagedTemplates };
    return { ...result.data, draft };
  }
  const problems = result.error.issues.map((i) => {
    const key = i.path.join('.') || '(top level)';
    if (i.code === 'unrecognized_keys') return `${key}: unknown key ${i.keys.map((k) => `"${k}"`).join(', ')}`;
    return `${key}: ${i.message}`;
  });
  throw new KansokuError('CONFIG_INVALID', 'config', `${file}\n  ${problems.join('\n  ')}`);
}
