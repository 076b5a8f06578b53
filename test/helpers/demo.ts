import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { contextFor } from '../../src/app.ts';
import { loadConfig } from '../../src/config/load.ts';
import { importStream } from '../../src/counters/import.ts';
import { createLogger } from '../../src/log.ts';
import { openSource } from '../../src/mail/sources.ts';
import { processSources } from '../../src/pipeline/process.ts';
import { scratch } from './cli.ts';
import { fixture } from './paths.ts';
import { openTestStore } from './store.ts';

const log = createLogger('silent');

/** The lines of the demo's sample sensor log. */
export const demoSensorLog = readFileSync(fixture('demo', 'sensor.log'), 'utf8').trim().split('\n');

/** The demo store: the sample sensor log and the sample posts, as `npm start` leaves it. */
export async function demoStore() {
  const { config } = loadConfig(fixture('demo', 'kansoku.yaml'), scratch());
  const store = openTestStore();
  await importStream(
    store,
    'sensor.log',
    Readable.from([demoSensorLog.join('\n')]),
    { zone: 'UTC', maxLineChars: 4096, sensor: 'demo', keepRecent: true },
    log,
  );
  await processSources([openSource('maildir', fixture('demo', 'maildir'))], contextFor(config, store, { log }));
  return { store, config, p: contextFor(config, store, { log }) };
}
