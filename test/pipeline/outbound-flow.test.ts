import { beforeAndAfterRise, listMail } from '../helpers/post.ts';
import { contextFor } from '../../src/app.ts';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/config/load.ts';
import { OwnNetworks } from '../../src/extract/notations.ts';
import { createLogger } from '../../src/log.ts';
import { emptySummary, processMessage } from '../../src/pipeline/process.ts';
import { buildDigest } from '../../src/pipeline/digest.ts';
import { releaseDraft } from '../../src/pipeline/release.ts';
import { parseWeek } from '../../src/digest/week.ts';
import { reviewRequestId } from '../../src/review/mail.ts';
import { decide } from '../../src/review/transitions.ts';
import type { Store } from '../../src/store/index.ts';
import { scratch } from '../helpers/cli.ts';
import { risingSensor, sensorLines, storeWith } from '../helpers/sensor.ts';

const log = createLogger('silent');
const networks = ['198.51.100.0/24', '203.0.113.0/24'];
const base = {
  identity: { from: 'kansoku <kansoku@isp.example>' },
  operator: { networks, alertAddress: 'soc@isp.example' },
  lists: [{ name: 'nsp', listId: 'nsp.example.net', address: 'nsp@example.net', defaultTlp: 'GREEN' as const }],
  members: ['a', 'b', 'c', 'd'].map((x) => ({ org: `ORG-${x.toUpperCase()}`, domains: [`${x}.example`] })),
  sightings: { followUpAfter: 3 },
};
const reportMail = (body = 'Sharp rise of tcp/5000 SYN scans. Anyone else?', subject = '[nsp] tcp/5000 scans') =>
  listMail(
    {
      From: 'x@reporter.example',
      Subject: subject,
      'Message-ID': '<r1@reporter.example>',
      Date: 'Fri, 20 Nov 2026 10:15:00 +0900',
    },
    body,
  );
const reply = (n: number, from: string, body: string) =>
  listMail(
    {
      From: from,
      Subject: 'Re: [nsp] tcp/5000 scans',
      'Message-ID': `<s${n}@${from.split('@')[1]}>`,
      'In-Reply-To': '<r1@reporter.example>',
      References: '<r1@reporter.example>',
    },
    body,
  );
const surge = () =>
  storeWith(sensorLines({ start: '2026-11-15T00:00:00Z', hours: 130, port: 5000, perHour: (h) => (h < 110 ? 3 : 50) }));

async function run(config: ReturnType<typeof validateConfig>, store: Store, ...messages: Buffer[]) {
  const summary = emptySummary();
  for (const m of messages)
    await processMessage({ origin: 'test', raw: m }, contextFor(config, store, { log }), summary);
  return summary;
}

/** Every byte in the outbox folder, decoded as a reader would: no operator address in any of it. */
function outboxLeaks(dir: string): string[] {
  const own = new OwnNetworks(networks);
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((f) => f.isFile())
    .flatMap((f) => own.find(readFileSync(join(f.parentPath, f.name), 'latin1')).map((m) => `${f.name}: ${m.value}`));
}

describe('a post that names our own networks', () => {
  it('lets a person release a held draft into review', async () => {
    const config = validateConfig({ ...base, draft: { outbox: scratch() } });
    const store = await surge();
    await run(config, store, reportMail('tcp/5000 SYN scans; top source 203.0.113.77. Anyone else?'));
    const d = store.drafts.list().find((x) => x.kind === 'reply')!;
    decide(store, d.id, 'release', 'alice', 'customer contacted');
    expect(store.drafts.get(d.id)).toMatchObject({ status: 'draft', heldReason: null });
    expect(decide(store, d.id, 'approve', 'alice', null).status).toBe('approved');
  });

  it('holds the public draft, alerts us privately with the detail, and writes nothing with our address', async () => {
    const outbox = scratch();
    const config = validateConfig({ ...base, draft: { outbox } });
    const store = await surge();
    const body =
      'tcp/5000 SYN scans from our sensors. Top source:\n' +
      'Nov 20 01:00:00 fw kernel: DROP IN=eth0 OUT= SRC=203.0.113.77 DST=192.0.2.10 LEN=44 PROTO=TCP SPT=4117 ' +
      'DPT=5000 WINDOW=1024 RES=0x00 SYN URGP=0\nalso 198-51-100-9.dsl.isp.example';
    const summary = await run(config, store, reportMail(body));
    expect(summary.outcomes.held).toBe(1);
    const drafts = store.drafts.list();
    const replyDraft = drafts.find((d) => d.kind === 'reply')!;
    expect(replyDraft.status).toBe('held');
    expect(replyDraft.heldReason).toContain('203.0.113.77');
    expect(replyDraft.text).not.toContain('203.0.113.77');
    expect(() => decide(store, replyDraft.id, 'approve', 'alice', null)).toThrow(/held/);
    const alert = drafts.find((d) => d.kind === 'alert')!;
    expect(alert).toMatchObject({ status: 'approved', to: 'soc@isp.example' });
    expect(alert.text).toContain('203.0.113.77');
    expect(alert.text).toContain('SRC=203.0.113.77');
    expect(alert.eml.toString('latin1')).toMatch(/^Auto-Submitted: auto-generated\r$/m);
    expect(store.outbox.pending().map((o) => o.envelopeTo)).toEqual(['soc@isp.example']);
    expect(outboxLeaks(outbox)).toEqual([]);
    // Rejecting and approving again does not walk around the hold; a release lifts it.
    decide(store, replyDraft.id, 'reject', 'alice', null);
    expect(() => decide(store, replyDraft.id, 'approve', 'alice', null)).toThrow(/held/);
    expect(() => decide(store, replyDraft.id, 'release', 'alice', null)).toThrow(/rejected/);
    expect(store.outbox.pending().filter((o) => o.kind === 'draft' && o.draftId === replyDraft.id)).toEqual([]);
  });
});

describe('a reply that names our own networks', () => {
  it('is alerted privately even when no draft is due', async () => {
    const config = validateConfig({ ...base, draft: { outbox: scratch() } });
    const store = await surge();
    await run(
      config,
      store,
      reportMail(),
      reply(1, 'alice@a.example', 'Same here; the top source in our logs is 198[.]51[.]100[.]23.'),
    );
    const alerts = store.drafts.list().filter((d) => d.kind === 'alert');
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.text).toContain('198.51.100.23');
    expect(store.drafts.list().filter((d) => d.kind === 'reply')).toHaveLength(1);
  });
});

describe('TLP over everything a message contains', () => {
  it('leaves a TLP:RED reply out of a follow-up: no name, no numbers, a line saying so', async () => {
    const config = validateConfig({ ...base, draft: { outbox: scratch() } });
    const store = await surge();
    await run(config, store, reportMail());
    // A follow-up follows what the list has seen: our reply goes out first.
    const ours = store.drafts.list().find((d) => d.kind === 'reply')!;
    decide(store, ours.id, 'approve', 'alice', null);
    store.outbox.sent(store.outbox.pending().find((r) => r.draftId === ours.id)!.id, 'smtp');
    await run(
      config,
      store,
      reply(1, 'alice@a.example', 'Same here, 1,200 sources.'),
      reply(2, 'bob@b.example', 'TLP:RED\nWe see it too, 98,765 sources, mostly from our partner.'),
      reply(3, 'carol@c.example', 'We see it too.'),
    );
    // Two confirmations the list may see: not yet three.
    expect(store.drafts.list().filter((d) => d.kind === 'followup')).toHaveLength(0);
    await run(config, store, reply(4, 'dave@d.example', '+1, seeing it.'));
    const f = store.drafts.list().find((d) => d.kind === 'followup')!;
    expect(f.tlp).toBe('GREEN');
    expect(f.text).not.toContain('ORG-B');
    expect(f.text).not.toContain('98,765');
    expect(f.text).toContain('TLP:REDの返信1件は');
    expect(f.text).toContain('1 replies labelled TLP:RED are left out');
    expect(f.text).toContain('同様の事象を観測：3組織（ORG-A、ORG-C、ORG-D）');
  });

  it('lets no later TLP:RED post move a follow-up: a verdict changing on its account would say it exists', async () => {
    const config = validateConfig({ ...base, draft: { outbox: scratch() } });
    const store = await risingSensor();
    const { early, later } = beforeAndAfterRise('TLP:RED\ntcp/5000 sharply up now at our customer.');
    await run(config, store, early, later);
    expect(store.events.list()).toHaveLength(1);
    expect(store.drafts.list().filter((d) => d.kind === 'followup')).toHaveLength(0);
  });

  it('answers a post marked below the list default at that default, a RED post at RED (never approvable)', async () => {
    const config = validateConfig({
      ...base,
      lists: [{ ...base.lists[0]!, defaultTlp: 'AMBER' }],
      draft: { outbox: scratch() },
    });
    const store = await surge();
    await run(config, store, reportMail('TLP:CLEAR\ntcp/5000 SYN scans, anyone?', '[TLP:CLEAR] [nsp] tcp/5000 scans'));
    const [d] = store.drafts.list();
    expect(d!.tlp).toBe('AMBER');
    expect(d!.subject).toMatch(/^\[TLP:AMBER\] Re: \[nsp\] tcp\/5000 scans/);
    expect(d!.subject).not.toContain('CLEAR');
    const red = await surge();
    await run(config, red, reportMail('ＴＬＰ：ＲＥＤ\ntcp/5000 SYN scans, anyone?'));
    const [r] = red.drafts.list();
    expect(r!.tlp).toBe('RED');
    // The gate will not write it for the list: held, with the refusal on record, and never approvable.
    expect(r!.status).toBe('held');
    expect(r!.emlPath).toBeNull();
    expect(red.drafts.refusals(r!.id)[0]!.reason).toMatch(/TLP:RED material addressed to a list/);
    decide(red, r!.id, 'release', 'alice', null);
    expect(() => decide(red, r!.id, 'approve', 'alice', null)).toThrow(/TLP:RED/);
  });

  it('leaves a TLP:RED event out of the digest instead of making the digest unsendable', async () => {
    const config = validateConfig({ ...base, draft: { outbox: scratch() } });
    const store = await surge();
    await run(
      config,
      store,
      reportMail('TLP:RED\nSharp rise of tcp/5000 SYN scans at our customer Foo Corp. Anyone else?'),
    );
    const d = await buildDigest(contextFor(config, store, { log }), parseWeek('2026-W47', 'Asia/Tokyo'));
    expect(d.problems).toEqual([]);
    expect(d.draft.tlp).toBe('GREEN');
    expect(d.draft.text).toContain('TLP:REDで共有されたイベント1件は');
    expect(d.draft.text).not.toContain('Foo Corp');
    expect(d.draft.text).not.toContain('に初報');
    expect(d.draft.text).not.toContain('first reported');
  });
});

describe('approval by mail, end to end', () => {
  const config = (outbox: string) =>
    validateConfig({
      ...base,
      draft: { outbox },
      review: { address: 'noc@isp.example', moderators: ['alice@isp.example'], sendDelaySeconds: 300 },
    });
  const decision = (n: number, token: string, text: string, cfg: ReturnType<typeof config>) =>
    Buffer.from(
      [
        `From: Alice <alice@isp.example>`,
        'To: kansoku@isp.example',
        `Subject: Re: [kansoku review] ${token} draft`,
        `Message-ID: <m${n}@isp.example>`,
        `In-Reply-To: ${reviewRequestId(token, cfg)}`,
        'Date: Fri, 20 Nov 2026 11:30:00 +0900',
        '',
        text,
      ].join('\r\n'),
    );

  it('mails the review request of a held draft when a person releases it, not before', async () => {
    const cfg = config(scratch());
    const store = await surge();
    await run(cfg, store, reportMail('tcp/5000 SYN scans; top source 203.0.113.77. Anyone else?'));
    const d = store.drafts.list().find((x) => x.kind === 'reply')!;
    expect(d.status).toBe('held');
    const requests = () => store.outbox.pending().filter((o) => o.kind === 'review' && o.draftId === d.id);
    expect(requests()).toEqual([]);
    const r = await releaseDraft(
      contextFor(cfg, store, { log: log, actor: 'alice' }),
      d.id,
      'alice',
      'customer contacted',
    );
    expect(r).toMatchObject({ requested: true });
    expect(r.movedTo).toBeTruthy();
    expect(r.movedTo).not.toContain('/held/');
    expect(requests().map((o) => o.messageId)).toEqual([reviewRequestId(d.reviewToken!, cfg)]);
    expect(requests()[0]!.raw.toString('latin1')).not.toContain('203.0.113.77');
  });

  it('answers a mail that decides nothing, approves with a grace period, lets a second mail take it back', async () => {
    const cfg = config(scratch());
    const store = await surge();
    await run(cfg, store, reportMail());
    const [d] = store.drafts.list();
    const token = d!.reviewToken!;
    expect(store.outbox.pending().map((o) => o.messageId)).toEqual([reviewRequestId(token, cfg)]);

    await run(cfg, store, decision(1, token, '承認しません。ポートが違います。', cfg));
    expect(store.drafts.get(d!.id).status).toBe('draft');
    const note = store.outbox.pending().find((o) => o.envelopeTo === 'alice@isp.example')!;
    expect(note.raw.toString('latin1')).toMatch(/^Auto-Submitted: auto-replied\r$/m);

    await run(cfg, store, decision(2, token, 'お疲れ様です。\n\n承認します。', cfg));
    expect(store.drafts.get(d!.id).status).toBe('approved');
    const intent = store.outbox.pending().find((o) => o.kind === 'draft')!;
    expect(Date.parse(intent.notBefore!) - Date.now()).toBeGreaterThan(250_000);

    await run(cfg, store, decision(3, token, '却下', cfg));
    expect(store.drafts.get(d!.id).status).toBe('rejected');
    expect(store.outbox.pending().filter((o) => o.kind === 'draft')).toEqual([]);
  });

  it('reads a review token in a list post as nothing special', async () => {
    const cfg = validateConfig({ ...base, draft: { outbox: scratch() } });
    const store = await surge();
    const s = await run(
      cfg,
      store,
      reportMail(
        'Sharp rise of tcp/5000 SYN scans, ticket KS-ABCDEFGHJK. Anyone else?',
        '[nsp] tcp/5000 scans KS-ABCDEFGHJK',
      ),
    );
    expect(s.outcomes.drafted).toBe(1);
  });
});
