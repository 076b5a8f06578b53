import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The package's own folder (templates/, the embedded demo, package.json): the nearest folder
 * above this module that holds a package.json, so that it is found from src/ under tsx and from
 * the compiled dist/ alike.
 */
export const packageRoot = findPackageRoot(dirname(fileURLToPath(import.meta.url)));

function findPackageRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(`${dir}/package.json`)) return dir;
    if (dirname(dir) === dir) throw new Error(`no package.json above ${from}`);
  }
}
