import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const fixture = (...p: string[]) => resolve(root, 'fixtures', ...p);
/** The team's shared folder beside the project: the public corpus lives there. */
export const shared = (...p: string[]) => resolve(root, '..', 'shared', ...p);
export const sharedAvailable = existsSync(shared('corpus'));
