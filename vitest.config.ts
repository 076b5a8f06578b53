import { defineConfig } from 'vitest/config';
import { pgTestUrl } from './test/global-setup.ts';

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
    // The same suite on both stores: the embedded SQLite file and a real PostgreSQL server.
    projects: [
      { extends: true, test: { name: 'sqlite' } },
      { extends: true, test: { name: 'postgres', env: { KANSOKU_TEST_PG: pgTestUrl() } } },
    ],
  },
});
