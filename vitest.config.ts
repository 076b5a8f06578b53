import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    // End-to-end tests start the real CLI several times; each start costs about half a second.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // CI reads the JSON report for its closing "N passed, N failed" line (.ci/run).
    reporters: ['default', 'json'],
    outputFile: { json: '.vitest-report.json' },
  },
});
