import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The package's own folder (templates/, the embedded demo, package.json): the nearest folder
 * above this module that holds a package.json, so that it is found from src/ under tsx and from
 * the compiled dist/ alike.
 */
export const packageRoot = findPackageRoot(dirname(fileURLToPath(import.meta.url)));

/**
 * IPAexGothic, shipped with kansoku (assets/fonts, IPA Font License): Japanese renders the same on
 * every machine (the charts, the desk's pages), with no system font to install and no tofu.
 */
export const JAPANESE_FONT = join(packageRoot, 'assets', 'fonts', 'ipaexg.ttf');

function findPackageRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(`${dir}/package.json`)) return dir;
    if (dirname(dir) === dir) throw new Error(`no package.json above ${from}`);
  }
}
