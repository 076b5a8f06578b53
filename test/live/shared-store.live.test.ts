import { contextFor } from '../../src/app.ts';
import { createReadStream } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.ts';
import { importStream } from '../../src/counters/import.ts';
import { createLogger } from '../../src/log.ts';
import { compose } from '../../src/outbound/compose.ts';
import { Dispatcher } from '../../src/outbound/send.ts';
import { openSource } from '../../src/mail/sources.ts';
import { processSources } from '../../src/pipeline/process.ts';
import { decide } from '../../src/review/transitions.ts';
import { Store } from '../../src/store/index.ts';
import { scratch } from '../helpers/cli.ts';
import { mailbox, newWorld, sleep, until, writeBotConfig } from '../helpers/mailstack.ts';
import { fixture } from '../helpers/paths.ts';
import { storeAt, testPg } from '../helpers/store.ts';
import { PostgresSql } from '../../src/store/sql.ts';

const log = createLogger('silent');

/** Two bot instances, each with its own connection to one store (one schema on PostgreSQL). */
function twoInstances(dir: string): [Store, Store] {
  const at = storeAt(dir);
  return [Store.open(at), Store.open(at)];
}

describe('several instances on one store', () => {
  it('take each message once: one draft per post, the other instance sees it as done', async () => {
    const dir = scratch();
    const { config } = loadConfig(fixture('demo', 'kansoku.yaml'), dir);
    const [a, b] = twoInstances(dir);
    await importStream(
      a,
      'sensor.log',
      createReadStream(fixture('demo', 'sensor.log')),
      { zone: 'UTC', maxLineChars: 4096, sensor: 'demo', keepRecent: true },
      log,
    );
    const run = (store: Store, actor: string) =>
      processSources([openSource('maildir', fixture('demo', 'maildir'))], contextFor(config, store, { log, actor }));
    const [ra, rb] = await Promise.all([run(a, 'instance-a'), run(b, 'instance-b')]);

    expect(ra.drafts.length + rb.drafts.length).toBe(3);
    const replies = a.drafts.list().filter((d) => d.kind === 'reply');
    expect(replies).toHaveLength(3);
    expect(new Set(replies.map((d) => d.sourceMessageId)).size).toBe(3);
    // The 6585/udp post names the demo operator's own 203.0.113.77: one private alert, not two.
    expect(a.drafts.list().filter((d) => d.kind === 'alert')).toHaveLength(1);
    // Every message was done by exactly one of the two; the other found it done.
    expect(ra.outcomes.duplicate + rb.outcomes.duplicate).toBe(6);
    expect(ra.outcomes.quarantined + rb.outcomes.quarantined).toBe(0);
    expect(a.messages.counts()).toEqual({ processed: 5, skipped: 1, quarantined: 0 });
    expect(a.events.list()).toHaveLength(3);
    a.close();
    b.close();
  });

  it.skipIf(!testPg)('carry on when the server drops their connection, and lose no half-done transaction', () => {
    // Named, so that only this connection is cut: other tests run beside this one.
    const name = `kansoku-cut-${process.pid}-${Date.now()}`;
    const store = Store.open(`${storeAt(scratch())}&application_name=${name}`);
    const admin = new PostgresSql(testPg!);
    const kill = () =>
      expect(
        admin.get<{ n: number }>(
          `SELECT COUNT(pg_terminate_backend(pid)) AS n FROM pg_stat_activity WHERE application_name = '${name}'`,
        )!.n,
      ).toBe(1);
    const probe = () => store.messages.has('<probe@example.test>');
    expect(probe()).toBe(false);
    kill();
    // Outside a transaction: reconnected, and the call goes through.
    expect(probe()).toBe(false);
    store.messages.quarantine('<one@example.test>', 'test', 'first');
    expect(store.messages.has('<one@example.test>')).toBe(true);
    // Inside one: the transaction fails whole, and the next one runs on a new connection.
    expect(() =>
      store.transaction(() => {
        store.messages.quarantine('<two@example.test>', 'test', 'lost');
        probe();
        kill();
        probe();
      }),
    ).toThrow();
    expect(store.messages.has('<two@example.test>')).toBe(false);
    store.transaction(() => store.messages.quarantine('<three@example.test>', 'test', 'after'));
    expect(store.messages.counts().quarantined).toBe(2);
    store.close();
    admin.close();
  });

  it.skipIf(!testPg)("wait for each other's locks on one schema, and not for those of stores in other schemas", () => {
    const here = storeAt(scratch());
    const [a, same, other] = [new PostgresSql(here), new PostgresSql(here), new PostgresSql(storeAt(scratch()))];
    for (const c of [same, other]) c.exec("SET lock_timeout = '1s'");
    a.transaction(() => {
      a.lock('kansoku-pipeline');
      expect(() => same.transaction(() => same.lock('kansoku-pipeline'))).toThrow(/lock timeout/);
      expect(() => other.transaction(() => other.lock('kansoku-pipeline'))).not.toThrow();
      expect(same.hold('kansoku-outbox:1')).toBe(true);
      expect(other.hold('kansoku-outbox:1')).toBe(true);
      expect(a.hold('kansoku-outbox:1')).toBe(false);
    });
    for (const c of [a, same, other]) c.close();
  });

  it('send an interrupted draft once, though both recover it at the same moment', async () => {
    const w = newWorld();
    const dir = scratch();
    const { config } = loadConfig(writeBotConfig(dir, w), dir);
    const [a, b] = twoInstances(dir);
    const messageId = `<shared-${w.id}@kansoku.example.test>`;
    const draft = {
      messageId,
      from: config.identity.from,
      to: w.list,
      subject: '[TLP:AMBER] shared store',
      inReplyTo: null,
      references: [],
      tlp: 'AMBER' as const,
      text: 'once\n',
    };
    const eml = await compose({
      ...draft,
      kind: 'reply',
      draftMessageId: messageId,
      automatic: false,
      charset: 'utf-8',
    });
    const id = a.drafts.add(
      {
        ...draft,
        envelopeFrom: w.botAddress,
        sourceMessageId: `<src-${w.id}@example.test>`,
        kind: 'reply',
        eml,
        emlPath: null,
        reviewToken: null,
      },
      'tester',
    );
    decide(a, id, 'approve', 'tester', null);
    // The hard case: an instance died mid-send, and both survivors find the row at once, both look
    // for it on the list (not there), and both would send it again.
    expect(a.outbox.attempt(a.outbox.pending()[0]!.id, 0)).toBe(true);
    await sleep(config.send.echoWaitSeconds * 1000 + 100);

    const [ra, rb] = await Promise.all([
      new Dispatcher(config, a, log).dispatch(),
      new Dispatcher(config, b, log).dispatch(),
    ]);
    expect(ra.sent + rb.sent).toBe(1);
    await until(
      async () => (await mailbox(w.botUser)).some((m) => m.raw.includes(messageId)),
      15_000,
      'the advisory on the list',
    );
    await sleep(1_500);
    expect((await mailbox(w.botUser)).filter((m) => m.raw.includes(messageId))).toHaveLength(1);
    expect(b.drafts.get(id).status).toBe('sent');
    // Later rounds of either instance find nothing left to send.
    const again = await Promise.all([
      new Dispatcher(config, a, log).dispatch(),
      new Dispatcher(config, b, log).dispatch(),
    ]);
    expect(again.map((r) => r.sent)).toEqual([0, 0]);
    a.close();
    b.close();
  });
});
