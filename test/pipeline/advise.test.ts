import { describe, expect, it } from 'vitest';
import { contextFor } from '../../src/app.ts';
import { validateConfig } from '../../src/config/load.ts';
import { createLogger } from '../../src/log.ts';
import { advise } from '../../src/pipeline/advise.ts';
import { emptySummary, processMessage } from '../../src/pipeline/process.ts';
import type { Store } from '../../src/store/index.ts';
import { scratch } from '../helpers/cli.ts';
import { listMail } from '../helpers/post.ts';
import { Readable } from 'node:stream';
import { importStream } from '../../src/counters/import.ts';
import { decide } from '../../src/review/transitions.ts';
import { sensorLines, storeWith } from '../helpers/sensor.ts';

const log = createLogger('silent');
const START = '2026-11-09T00:00:00Z';
/** Eleven days of a sensor; 2375/tcp wakes up on the last day, from a hundred sources. */
const HOURS = 11 * 24;
const WAKE = HOURS - 10;

function config(over: Record<string, unknown> = {}) {
  return validateConfig({
    identity: { from: 'Bot <bot@isp.example>' },
    lists: [{ name: 'nsp', listId: 'nsp.example.net', address: 'nsp@example.net' }],
    draft: { outbox: scratch() },
    ...over,
  });
}

function wakingSensor(): Promise<Store> {
  return storeWith(
    sensorLines({
      start: START,
      hours: HOURS,
      port: 2375,
      perHour: (h) => (h >= WAKE ? 40 : 0),
      src: (h, i) => `81.224.${h % 100}.${i + 1}`,
    }),
  );
}

const advisories = (store: Store) => store.drafts.list().filter((d) => d.kind === 'advisory');

describe('our own advisories', () => {
  it('drafts one for a rise nobody posted about, once, with an event that members can answer', async () => {
    const store = await wakingSensor();
    const c = config();
    const summary = emptySummary();
    expect(await advise(contextFor(c, store, { log }), summary)).toHaveLength(1);
    expect(await advise(contextFor(c, store, { log }), emptySummary())).toEqual([]);
    const [a] = advisories(store);
    expect(a).toMatchObject({ status: 'draft', to: 'nsp@example.net', tlp: 'AMBER' });
    expect(a!.subject).toContain('注意喚起：2375/tcp宛てのスキャン増加');
    expect(a!.text).toContain('・送信元の国（増加前より割合が増えた国）：スウェーデン 100%');
    expect(summary.drafts).toEqual([expect.objectContaining({ id: a!.id })]);
    // A member's reply to the advisory is a sighting of its event.
    const [event] = store.events.list();
    expect(event).toMatchObject({ proto: 'tcp', port: 2375, lastVerdict: 'elevated' });
    await processMessage(
      {
        origin: 'test',
        raw: listMail(
          {
            From: 'alice@a.example',
            Subject: `Re: ${a!.subject}`,
            'Message-ID': '<r1@a.example>',
            'In-Reply-To': a!.messageId,
            References: a!.messageId,
            Date: 'Thu, 19 Nov 2026 23:00:00 +0900',
          },
          'We see it too.',
        ),
      },
      contextFor(c, store, { log }),
      emptySummary(),
    );
    expect(store.events.sightings(event!.id)).toEqual([expect.objectContaining({ verdict: 'confirm' })]);
  });

  it('leaves a rise that members already report to our reply in their thread', async () => {
    const store = await wakingSensor();
    const c = config();
    await processMessage(
      {
        origin: 'test',
        raw: listMail(
          {
            From: 'bob@b.example',
            Subject: '[nsp] Docker API scans, tcp/2375',
            'Message-ID': '<p1@b.example>',
            Date: 'Thu, 19 Nov 2026 23:30:00 +0900',
          },
          'Anyone else seeing tcp/2375 since this morning?',
        ),
      },
      contextFor(c, store, { log }),
      emptySummary(),
    );
    expect(await advise(contextFor(c, store, { log }), emptySummary())).toEqual([]);
    expect(advisories(store)).toEqual([]);
  });

  it('drafts none past advisory.maxPerDay, nor below advisory.minSources', async () => {
    const store = await wakingSensor();
    expect(await advise(contextFor(config({ advisory: { maxPerDay: 0 } }), store, { log }), emptySummary())).toEqual(
      [],
    );
    expect(await advise(contextFor(config({ advisory: { minSources: 500 } }), store, { log }), emptySummary())).toEqual(
      [],
    );
    expect(advisories(store)).toEqual([]);
  });

  it('ends the event once the port is back to usual, and tells the list when it heard from us', async () => {
    const lines = sensorLines({
      start: START,
      hours: HOURS + 12,
      port: 2375,
      perHour: (h) => (h >= WAKE && h < HOURS ? 40 : 0),
      src: (h, i) => `81.224.${h % 100}.${i + 1}`,
    });
    const cut = new Date(Date.parse(START) + HOURS * 3_600_000).toISOString();
    const store = await storeWith(lines.filter((l) => l < cut));
    const c = config();
    await advise(contextFor(c, store, { log }), emptySummary());
    const [a] = advisories(store);
    decide(store, a!.id, 'approve', 'alice', null);
    store.outbox.sent(store.outbox.pending().find((r) => r.draftId === a!.id)!.id, 'smtp');
    // Twelve more hours, back to silence.
    await importStream(
      store,
      'later',
      Readable.from([lines.filter((l) => l >= cut).join('\n') + '\n']),
      { zone: 'UTC', maxLineChars: 4096, sensor: 'test', keepRecent: true },
      log,
    );
    const summary = emptySummary();
    await advise(contextFor(c, store, { log }), summary);
    const [event] = store.events.list();
    expect(event!.endedAt).toBe(cut.replace('.000Z', 'Z'));
    const [f] = store.drafts.list().filter((d) => d.kind === 'followup');
    expect(f!.text).toContain('以降、2375/tcp宛ての通信は平常の水準に戻っています。');
    expect(f!.eml.toString('latin1')).toMatch(new RegExp(`^In-Reply-To: ${a!.messageId.replace(/\./g, '\\.')}`, 'm'));
    expect(summary.drafts).toEqual([expect.objectContaining({ id: f!.id })]);
    // Once.
    await advise(contextFor(c, store, { log }), emptySummary());
    expect(store.drafts.list().filter((d) => d.kind === 'followup')).toHaveLength(1);
  });
});
