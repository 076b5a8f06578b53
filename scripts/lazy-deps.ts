/**
 * An esbuild plugin that keeps dependencies that most commands never call out of the bundle, and
 * loads each from node_modules the first time one of its functions is called.
 *
 * Each import of these packages, from our code or a dependency's, gets a small stand-in whose
 * functions load the real package on first call, by Node's own require, from the one copy in
 * node_modules. The first of them: mailparser requires html-to-text, linkify-it, iconv-lite and
 * encoding-japanese when it loads, and builds linkify-it's host patterns there too; together
 * they were 1.3 MB of the 1.6 MB chunk that every command reading mail parsed and ran at start,
 * although a plain-text post in UTF-8 calls none of them (we pass skipHtmlToText,
 * skipTextToHtml and skipTextLinks). bench/cli-start.ts times the start.
 */
import { createRequire, isBuiltin } from 'node:module';
import { join, sep } from 'node:path';
import type { Plugin } from 'esbuild';

/**
 * The packages, and the exports (functions and classes) of each that callers may take before
 * any is called: `const { htmlToText } = require('html-to-text')` when mailparser loads, and
 * every named import, which the bundle reads when the module loads. Anything else is read from
 * the real package, which is loaded for it.
 */
export const LAZY_DEPS: Record<string, readonly string[] | 'linkify'> = {
  'html-to-text': ['convert', 'htmlToText', 'compile'],
  'iconv-lite': ['decode', 'encode', 'decodeStream', 'encodeStream', 'encodingExists', 'getCodec', 'getDecoder'],
  'encoding-japanese': ['convert', 'detect', 'urlEncode', 'urlDecode', 'base64Encode', 'base64Decode'],
  // Imported by the config schema to check the schedules a config sets; the defaults need no check.
  'node-cron': ['schedule', 'validate', 'validateDetailed', 'createTask', 'getTask', 'getTasks', 'parse', 'shutdown'],
  // Made by the logger at its first line (src/log.ts), which most short commands never write.
  pino: ['pino', 'destination'],
  // Compressed attachments only; it loads worker_threads when it loads.
  fflate: ['Gunzip', 'Unzip', 'UnzipInflate', 'unzipSync', 'gunzipSync'],
  // Only for log timestamps in a zone other than UTC, and for drafts and digests.
  luxon: ['DateTime'],
  // Only for the CSV log formats (Palo Alto, Shadowserver).
  'csv-parse/sync': ['parse'],
  // Node's own, loaded by commander for subcommands that are separate programs (we have none):
  // about 5 ms of every command's start, `--help` included.
  'node:child_process': ['spawn', 'spawnSync', 'execFile', 'execFileSync', 'fork'],
  // A factory whose instance mailparser configures when it loads: see linkifyStandIn.
  'linkify-it': 'linkify',
};

const NAMESPACE = 'lazy-dep';
const filter = new RegExp(`^(${Object.keys(LAZY_DEPS).join('|')})$`);

/** The folder of the package that `specifier` ("csv-parse/sync") resolves to from `fromDir`. */
function packageDir(specifier: string, fromDir: string): string {
  const entry = createRequire(join(fromDir, 'noop.js')).resolve(specifier);
  const name = specifier
    .split('/')
    .slice(0, specifier.startsWith('@') ? 2 : 1)
    .join('/');
  const marker = `${sep}node_modules${sep}${name}${sep}`;
  return entry.slice(0, entry.lastIndexOf(marker) + marker.length);
}

export function lazyDeps(root: string): Plugin {
  return {
    name: 'lazy-deps',
    setup(build) {
      build.onResolve({ filter }, (args) => {
        if (args.namespace === NAMESPACE) return { path: args.path, external: true };
        // The stand-in loads the copy that Node finds from dist/; a dependency that wants another
        // version (mbox-reader has its own libmime stack) gets its own copy bundled as usual.
        const builtin = isBuiltin(args.path);
        if (!builtin && packageDir(args.path, args.resolveDir) !== packageDir(args.path, join(root, 'dist', 'chunks')))
          return;
        return { path: args.path, namespace: NAMESPACE };
      });
      build.onLoad({ filter: /.*/, namespace: NAMESPACE }, (args) => ({
        contents: standIn(args.path),
        loader: 'js',
        resolveDir: root,
      }));
    },
  };
}

/** The source of the stand-in module for `name`, run by the bundle in place of the package. */
export function standIn(name: string): string {
  const spec = LAZY_DEPS[name]!;
  const load = `let real; const load = () => (real ??= require(${JSON.stringify(name)}));`;
  if (spec === 'linkify') return `${load}\n${linkifyStandIn}`;
  // Each export stands in as a function that is called, made with new (fflate's Gunzip) or read
  // from (luxon's DateTime.fromISO) as the real one, which it loads for that.
  return `${load}
const lazy = (name) => new Proxy(function () {}, {
  apply: (_, self, args) => { const m = load(); return m[name].apply(m, args); },
  construct: (_, args) => Reflect.construct(load()[name], args),
  get: (_, key) => load()[name][key],
});
const fns = { ${spec.map((f) => `${JSON.stringify(f)}: lazy(${JSON.stringify(f)})`).join(', ')} };
module.exports = new Proxy(fns, {
  get: (target, key) => (key in target ? target[key] : load()[key]),
  has: (target, key) => key in target || key in load(),
});`;
}

/**
 * linkify-it: `require('linkify-it')()` makes an instance whose tlds/add/set calls (chained, as
 * mailparser makes them at load) are kept and replayed on the real instance when anything else
 * is first asked of it.
 */
const linkifyStandIn = `module.exports = function linkifyIt(...args) {
  const configure = new Set(['tlds', 'add', 'set']);
  const calls = [];
  let instance;
  const materialise = () => {
    if (!instance) {
      instance = load()(...args);
      for (const [method, callArgs] of calls) instance[method](...callArgs);
    }
    return instance;
  };
  const proxy = new Proxy({}, {
    get(_, key) {
      if (!instance && configure.has(key)) {
        return (...callArgs) => {
          calls.push([key, callArgs]);
          return proxy;
        };
      }
      const target = materialise();
      const value = target[key];
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return proxy;
};`;
