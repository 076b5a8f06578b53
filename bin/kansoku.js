#!/usr/bin/env node
// Runs the compiled CLI in dist/, which `npm ci` builds (the prepare script; `npm run build` again
// after editing src/). Stack traces still name the TypeScript sources, through the source maps.
process.setSourceMapsEnabled(true);
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
