#!/usr/bin/env node
// Runs the compiled CLI in dist/, which `npm ci` builds (the prepare script; `npm run build` again
// after editing src/).
import { createRequire } from 'node:module';

// Stack traces name the TypeScript sources, through dist/'s source maps. Node's own support
// (--enable-source-maps) reads every map as its module loads, a twentieth of a short command's
// time; source-map-support reads one only when a stack trace is printed.
Error.prepareStackTrace = (err, frames) => {
  createRequire(import.meta.url)('source-map-support').install({
    environment: 'node',
    handleUncaughtExceptions: false,
  });
  return Error.prepareStackTrace(err, frames);
};
// `kansoku drafts | head`: a reader that stops early is no error.
process.stdout.on('error', (err) => {
  if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw err;
});
let cli;
try {
  cli = await import('../dist/cli/main.js');
} catch (err) {
  if (err.code !== 'ERR_MODULE_NOT_FOUND' || !err.message.includes('dist/cli/main.js')) throw err;
  process.stderr.write('kansoku: dist/ is missing: run "npm run build" (npm ci runs it too)\n');
  process.exit(70);
}
process.exitCode = await cli.main(process.argv);
