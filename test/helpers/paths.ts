import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe } from 'vitest';

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const fixture = (...p: string[]) => resolve(root, 'fixtures', ...p);
/**
 * The team's shared folder beside the project, with the seed posts and the public corpus. A clone
 * on its own does not have it; CI does. Every behaviour is also checked on our own fixtures.
 */
export const shared = (...p: string[]) => resolve(root, '..', 'shared', ...p);
export const sharedAvailable = existsSync(shared('corpus'));
export const SHARED_MISSING = '../shared/corpus not present';

/**
 * A suite that checks against ../shared: run when it is there, otherwise skipped with its reason
 * in the suite's name and one line on the console, so that a plain clone shows what it did not run.
 * The body is still called to collect its tests, so it must read ../shared only when available.
 */
export function describeShared(name: string, body: () => void): void {
  if (sharedAvailable) {
    describe(name, body);
    return;
  }
  console.warn(`skipped "${name}": ${SHARED_MISSING}`);
  describe.skip(`${name} (skipped: ${SHARED_MISSING})`, body);
}
