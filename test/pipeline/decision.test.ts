import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { contextFor } from '../../src/app.ts';
import { loadConfig } from '../../src/config/load.ts';
import { importStream } from '../../src/counters/import.ts';
import { createLogger } from '../../src/log.ts';
import { openSource } from '../../src/mail/sources.ts';
import type { Decision } from '../../src/model.ts';
import { emptySummary, processSources, STEPS } from '../../src/pipeline/process.ts';
import type { Store } from '../../src/store/index.ts';
import { scratch } from '../helpers/cli.ts';
import { fixture } from '../helpers/paths.ts';
import { openTestStore } from '../helpers/store.ts';

const log = createLogger('silent');

/** A store holding the demo sensor log, as `npm start` imports it. */
async function sensorStore(): Promise<Store> {
  const store = openTestStore();
  await importStream(
    store,
    'sensor.log',
    Readable.from([readFileSync(fixture('demo', 'sensor.log'))]),
    { zone: 'UTC', maxLineChars: 4096, sensor: 'demo', keepRecent: true },
    log,
  );
  return store;
}

async function demo() {
  const { config } = loadConfig(fixture('demo', 'kansoku.yaml'), scratch());
  const store = await sensorStore();
  const summary = await processSources(
    [openSource('maildir', fixture('demo', 'maildir'))],
    contextFor(config, store, { log }),
  );
  return { config, store, summary };
}

const decisionOf = (store: Store, id: string): Decision => {
  const d = store.messages.get(id)?.decision;
  if (!d) throw new Error(`no decision stored for ${id}`);
  return d;
};
const path = (d: Decision) => d.steps.map((s) => `${s.step}:${s.result}:${s.code}`);

describe('every message stores the Decision that says why it got a draft or not', () => {
  it('a report our counters see elevated: every step passed, the draft named, the findings kept', async () => {
    const { store } = await demo();
    const d = decisionOf(store, '<20261120101500.sato@abc-net.example>');
    expect(d.outcome).toBe('drafted');
    expect(path(d)).toEqual([
      'admit:pass:new',
      'list:pass:list',
      'extract:pass:report',
      'sightings:pass:report',
      'correlate:pass:findings',
      'decide:pass:reply',
      'draft:pass:drafted',
    ]);
    const correlate = d.steps.find((s) => s.step === 'correlate')!;
    expect(correlate.text).toBe('tcp/5000: elevated');
    expect(correlate.data?.findings).toEqual([expect.objectContaining({ port: 5000, verdict: 'elevated' })]);
    expect(d.drafts).toHaveLength(1);
    expect(store.drafts.get(d.drafts[0]!).sourceMessageId).toBe('<20261120101500.sato@abc-net.example>');
  });

  it('a post that names our own networks: the note, the held draft and the private alert', async () => {
    const { store } = await demo();
    const d = decisionOf(store, '<5f3e.suzuki@def-u.example>');
    expect(d.outcome).toBe('held');
    expect(d.steps.find((s) => s.step === 'own-networks')).toMatchObject({
      result: 'note',
      data: { addresses: ['203.0.113.77'] },
    });
    expect(d.steps.at(-1)).toMatchObject({ step: 'draft', code: 'held' });
    const kinds = d.drafts.map((id) => store.drafts.get(id).kind).sort();
    expect(kinds).toEqual(['alert', 'reply']);
  });

  it('a reply is a sighting; an auto-reply and a post without port claims stop where they stop', async () => {
    const { store } = await demo();
    const reply = decisionOf(store, '<a1b2c3.tanaka@xyz-tsushin.example>');
    expect(reply.steps.find((s) => s.step === 'sightings')).toMatchObject({ result: 'note', code: 'confirm' });
    const auto = decisionOf(store, '<ooo-77@transit.example>');
    expect(auto).toMatchObject({ outcome: 'automatic' });
    expect(path(auto)).toEqual(['admit:stop:automatic']);
    const meeting = decisionOf(store, '<meeting-2026-12@nsp-sec-jp.example.net>');
    expect(meeting.outcome).toBe('no-claims');
    expect(meeting.steps.at(-1)).toMatchObject({ step: 'correlate', result: 'stop', code: 'no-claims' });
  });

  it('a signed post: its signature noted for the reviewer; findings and drafts those of it unsigned', async () => {
    const { config } = loadConfig(fixture('demo', 'kansoku.yaml'), scratch());
    const keyed = { ...config, auth: { ...config.auth, pgpKeyring: fixture('pgp', 'keyring') } };
    const run = async (file: string) => {
      const store = await sensorStore();
      await processSources([openSource('eml', fixture('pgp', file))], contextFor(keyed, store, { log }));
      return store;
    };
    const [signed, plain] = await Promise.all([run('pgp-mime-report.eml'), run('plain-report.eml')]);
    const d = decisionOf(signed, '<pgp-mime@isp-a.example>');
    expect(d.steps.find((s) => s.code === 'signature')).toMatchObject({
      step: 'extract',
      result: 'note',
      text: 'signed by Hanako Sato <hanako@isp-a.example> (key 0xACF2121C9FB36B69), verified',
    });
    const p = decisionOf(plain, '<plain@isp-a.example>');
    expect(path(d).filter((x) => x !== 'extract:note:signature')).toEqual(path(p));
    expect(signed.messages.get('<pgp-mime@isp-a.example>')?.findings).toEqual(
      plain.messages.get('<plain@isp-a.example>')?.findings,
    );
    // The drafts name the post they answer; apart from that, a word for word the same.
    const texts = (store: Store, ids: number[]) =>
      ids.map((id) => store.drafts.get(id).text.replaceAll('<pgp-mime@isp-a.example>', '<plain@isp-a.example>'));
    expect(texts(signed, d.drafts)).toEqual(texts(plain, p.drafts));
    expect(d.drafts.length).toBeGreaterThan(0);
  });

  it('mail from outside the configured lists stops at the list step and says which List-Id it had', async () => {
    const { config } = loadConfig(fixture('demo', 'kansoku.yaml'), scratch());
    const store = openTestStore();
    const dir = scratch();
    mkdirSync(join(dir, 'cur'), { recursive: true });
    mkdirSync(join(dir, 'new'), { recursive: true });
    writeFileSync(
      join(dir, 'cur', '1.x:2,S'),
      'From: a@b.example\r\nTo: c@d.example\r\nSubject: tcp/23 scans\r\nMessage-ID: <other@b.example>\r\n' +
        'List-Id: <other.example.org>\r\n\r\ntcp/23 is up here.\r\n',
    );
    await processSources([openSource('maildir', dir)], contextFor(config, store, { log }));
    const d = decisionOf(store, '<other@b.example>');
    expect(d).toMatchObject({ outcome: 'not-list', summary: 'List-Id other.example.org is not a configured list' });
    expect(d.steps.at(-1)).toMatchObject({ step: 'list', result: 'stop', data: { listId: 'other.example.org' } });
  });

  it('runs the steps in the documented order', () => {
    expect(STEPS.map((s) => s.name)).toEqual([
      'admit',
      'moderation',
      'list',
      'extract',
      'sightings',
      'own-networks',
      'correlate',
      'decide',
      'draft',
    ]);
  });
});

describe('one failure policy for run and --watch', () => {
  /** A real store whose draft insert fails the first `n` times, as a full disk would. */
  function failingDrafts(store: Store, n: number, error = () => new Error('bug: undefined is not a draft')): Store {
    let left = n;
    const add = store.drafts.add.bind(store.drafts);
    store.drafts.add = (...args: Parameters<typeof add>) => {
      if (left-- > 0) throw error();
      return add(...args);
    };
    return store;
  }

  it('leaves a failing message for the next run, and quarantines it at limits.maxFailures', async () => {
    const { config } = loadConfig(fixture('demo', 'kansoku.yaml'), scratch());
    const base = await sensorStore();
    const store = failingDrafts(base, 99);
    const one = () => [openSource('eml', fixture('demo', 'maildir', 'cur', '1763601300.M1P100.demo:2,S'))];
    const ctx = contextFor(config, store, { log });
    for (let run = 1; run < config.limits.maxFailures; run++) {
      const s = await processSources(one(), ctx, emptySummary());
      expect(s.outcomes.quarantined).toBe(0);
      expect(store.messages.has('<20261120101500.sato@abc-net.example>')).toBe(false);
    }
    const last = await processSources(one(), ctx, emptySummary());
    expect(last.outcomes.quarantined).toBe(1);
    expect(store.messages.counts().quarantined).toBe(1);
    expect(store.drafts.list()).toEqual([]);
    // Quarantined under its own Message-ID: `explain` finds it, and the next run passes it by.
    expect(store.messages.get('<20261120101500.sato@abc-net.example>')?.decision).toMatchObject({
      outcome: 'quarantined',
      steps: [{ step: 'runner', code: 'keeps-failing' }],
    });
    expect((await processSources(one(), ctx, emptySummary())).outcomes.duplicate).toBe(1);
  });

  it('does not count a failure of the environment (the store busy) towards a quarantine', async () => {
    const { config } = loadConfig(fixture('demo', 'kansoku.yaml'), scratch());
    const busy = () => Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' });
    const store = failingDrafts(await sensorStore(), 2 * config.limits.maxFailures, busy);
    const ctx = contextFor(config, store, { log });
    const one = () => [openSource('eml', fixture('demo', 'maildir', 'cur', '1763601300.M1P100.demo:2,S'))];
    for (let run = 0; run < 2 * config.limits.maxFailures; run++) {
      expect((await processSources(one(), ctx, emptySummary())).outcomes.quarantined).toBe(0);
    }
    expect((await processSources(one(), ctx, emptySummary())).outcomes.drafted).toBe(1);
  });

  it('forgets the failures of a message that then goes through', async () => {
    const { config } = loadConfig(fixture('demo', 'kansoku.yaml'), scratch());
    const base = await sensorStore();
    const store = failingDrafts(base, config.limits.maxFailures - 1);
    const ctx = contextFor(config, store, { log });
    const one = () => [openSource('eml', fixture('demo', 'maildir', 'cur', '1763601300.M1P100.demo:2,S'))];
    for (let run = 1; run < config.limits.maxFailures; run++) await processSources(one(), ctx, emptySummary());
    const ok = await processSources(one(), ctx, emptySummary());
    expect(ok.outcomes.drafted).toBe(1);
    // Counting starts again from one: the earlier failures were cleared with the commit.
    const origin = `eml:${fixture('demo', 'maildir', 'cur', '1763601300.M1P100.demo:2,S')}`;
    expect(store.messages.failed(origin, 'probe')).toBe(1);
  });
});
