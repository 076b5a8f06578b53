import { contextFor } from '../../src/app.ts';
import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/config/load.ts';
import { createLogger } from '../../src/log.ts';
import { emptySummary, processMessage } from '../../src/pipeline/process.ts';
import { tallyOf } from '../../src/events/tally.ts';
import { decide } from '../../src/review/transitions.ts';
import { classifyReply } from '../../src/sightings/classify.ts';
import { creditReply } from '../../src/sightings/credit.ts';
import { ownText } from '../../src/mail/reply-text.ts';
import type { Store } from '../../src/store/index.ts';
import { listMail, post } from '../helpers/post.ts';
import { sensorLines, storeWith } from '../helpers/sensor.ts';
import { scratch } from '../helpers/cli.ts';

describe('what a reply says', () => {
  const cases: Array<[string, string]> = [
    ['We see this too, about 1,200 sources an hour.', 'confirm'],
    ['Same here.', 'confirm'],
    ["We're seeing it as well on our edge.", 'confirm'],
    ['+1, started around 18:00 UTC for us', 'confirm'],
    ['こちらでも観測しています。', 'confirm'],
    ['弊社でも同様の事象を確認しています。', 'confirm'],
    ['当方でも18時台から増えています。', 'confirm'],
    ['Not seeing it here.', 'deny'],
    ["We don't see any increase on 5000/tcp.", 'deny'],
    ['Nothing unusual on our side.', 'deny'],
    ['当方では観測されていません。', 'deny'],
    ['弊社では特に変化はありません。', 'deny'],
    ['What tool produces the one-per-/24 pattern?', 'question'],
    ['Can anyone confirm?', 'question'],
    ['送信元のリストを共有いただけますでしょうか。', 'question'],
    ['Thanks for the heads-up.', 'other'],
    ['', 'other'],
    // Checked, but not seen; negatives in plain form; no numbers that mean nothing.
    ['当方でも確認しましたが、観測されていません。', 'deny'],
    ['こちらでは何も見えていないです。', 'deny'],
    ['うちでも観測してないです', 'deny'],
    ['We have 0 hits on 5000/tcp.', 'deny'],
    ['We see 3 events an hour, which is our normal level.', 'deny'],
    ['Our sensors show nothing too.', 'deny'],
    ["We couldn't confirm it here", 'deny'],
    ['Confirmed negative', 'deny'],
    // Words of confirming that confirm nothing.
    ['We have blocked it too.', 'other'],
    ['Please confirm your time zone', 'other'],
    ['Checking now, will confirm later', 'other'],
    ['弊社でも確認中です', 'other'],
    ['当方でも観測しているか確認します', 'other'],
    ['We also have no data for that period.', 'other'],
    ['Thanks.\nJohn\n+1.555.010.0100', 'other'],
    // Sightings said in other ways.
    ['Seeing it too on our edge', 'confirm'],
    ['弊社のセンサーでも確認できました', 'confirm'],
    ['同じ送信元を確認しました', 'confirm'],
    ['増加は見られませんが、送信元の一部は当方でも確認しています。', 'confirm'],
    ['Confirming from our side: ~2k SYN/min to 5000/tcp.', 'confirm'],
  ];
  for (const [text, want] of cases) {
    it(`${JSON.stringify(text)} is ${want}`, () => expect(classifyReply(text)).toBe(want));
  }

  it('reads only the new text, never the quoted report', () => {
    const reply =
      'Thanks, noted.\n\nOn Fri, 20 Nov 2026 10:15:00 +0900\nSato <sato@abc-net.example> wrote:\n' +
      '> We see this too on tcp/5000.\n> こちらでも観測しています。';
    expect(ownText(reply)).toBe('Thanks, noted.');
    expect(classifyReply(ownText(reply))).toBe('other');
    const inline = 'Not here.\n> Same here, we see it too.';
    expect(classifyReply(ownText(inline))).toBe('deny');
    // Written below the quote; quotes marked with a full-width 「＞」 or "|".
    const below = 'On Fri, 20 Nov 2026 10:15, Sato <sato@abc-net.example> wrote:\n> tcp/5000 rising?\n\nSame here.';
    expect(ownText(below)).toBe('Same here.');
    expect(classifyReply(ownText('Thanks\n＞当方でも観測しています。'))).toBe('other');
    const piped = 'On Fri, Taro <y@abc.example> wrote:\n| We see SYN scans, seeing it too\n';
    expect(classifyReply(ownText(piped))).toBe('other');
  });
});

describe('who said it', () => {
  const config = validateConfig({
    members: [
      { org: 'ISP-J', domains: ['isp-j.example'] },
      { org: 'Uni', addresses: ['noc@uni.example'] },
    ],
    auth: { trustedServerId: 'mx.ours.example' },
  });
  const from = (address: string, authResults: string[] = []) =>
    post('same here', { from: { address, name: '' }, authResults });

  it('credits a member by address or by domain, subdomains included', () => {
    expect(creditReply(from('alice@isp-j.example'), config).org).toBe('ISP-J');
    expect(creditReply(from('bob@noc.isp-j.example'), config).org).toBe('ISP-J');
    expect(creditReply(from('noc@uni.example'), config).org).toBe('Uni');
    expect(creditReply(from('other@uni.example'), config)).toMatchObject({ org: null, counted: false });
  });

  it('believes DKIM only from our own server, and only the topmost such header', () => {
    const pass = 'mx.ours.example; dkim=pass header.d=isp-j.example header.s=s1; spf=pass';
    const fail = 'mx.ours.example; dkim=fail header.d=isp-j.example';
    expect(creditReply(from('alice@isp-j.example', [pass]), config)).toMatchObject({ org: 'ISP-J', counted: true });
    expect(creditReply(from('alice@isp-j.example', [fail]), config)).toMatchObject({ org: 'ISP-J', counted: false });
    // A forger can add headers below ours, or claim another server's word: neither counts.
    expect(creditReply(from('alice@isp-j.example', [fail, pass]), config).counted).toBe(false);
    expect(
      creditReply(from('alice@isp-j.example', ['mx.forger.example; dkim=pass header.d=isp-j.example', fail]), config)
        .counted,
    ).toBe(false);
    // A pass for some other domain says nothing about the From.
    expect(
      creditReply(from('alice@isp-j.example', ['mx.ours.example; dkim=pass header.d=evil.example']), config).counted,
    ).toBe(false);
  });

  it('reads no result out of a quoted string or a comment', () => {
    const quoted = 'mx.ours.example; spf=pass smtp.mailfrom="a;dkim=pass header.d=isp-j.example x"';
    const comment =
      'mx.ours.example; spf=pass (helo (x); dkim=pass header.d=isp-j.example ) smtp.mailfrom=isp-j.example';
    expect(creditReply(from('alice@isp-j.example', [quoted]), config).counted).toBe(false);
    expect(creditReply(from('alice@isp-j.example', [comment]), config).counted).toBe(false);
  });

  it('aligns by Organizational Domain, not by any common suffix', () => {
    expect(
      creditReply(from('alice@isp-j.example', ['mx.ours.example; dkim=pass header.d=example']), config).counted,
    ).toBe(false);
    expect(
      creditReply(from('alice@isp-j.example', ['mx.ours.example 1; dkim=pass header.d=mail.isp-j.example']), config)
        .counted,
    ).toBe(true);
  });

  it('does not count a member by From alone when our server left no word on the message', () => {
    expect(creditReply(from('alice@isp-j.example'), config)).toMatchObject({ org: 'ISP-J', counted: false });
  });
});

describe('sightings in the pipeline', () => {
  const config = validateConfig({
    lists: [{ name: 'nsp', listId: 'nsp.example.net', address: 'nsp@example.net' }],
    members: ['a', 'b', 'c', 'd'].map((x) => ({ org: `ORG-${x.toUpperCase()}`, domains: [`${x}.example`] })),
    sightings: { followUpAfter: 3 },
    draft: { outbox: scratch() },
  });
  const log = createLogger('silent');
  const report = listMail(
    {
      From: 'x@reporter.example',
      Subject: '[nsp] tcp/5000 scans',
      'Message-ID': '<r1@reporter.example>',
      Date: 'Fri, 20 Nov 2026 10:15:00 +0900',
    },
    'Sharp rise of tcp/5000 SYN scans. Anyone else?',
  );
  const reply = (n: number, from: string, body: string, threaded = true) =>
    listMail(
      {
        From: from,
        Subject: 'Re: [nsp] tcp/5000 scans',
        'Message-ID': `<s${n}@${from.split('@')[1]}>`,
        ...(threaded ? { 'In-Reply-To': '<r1@reporter.example>', References: '<r1@reporter.example>' } : {}),
      },
      `${body}\n\nOn Fri, x wrote:\n> Sharp rise of tcp/5000 SYN scans. Anyone else? We see this too.`,
    );

  async function run(store: Store, ...messages: Buffer[]) {
    const summary = emptySummary();
    for (const m of messages)
      await processMessage({ origin: 'test', raw: m }, contextFor(config, store, { log }), summary);
    return summary;
  }

  it("links replies to the report's event, threaded or by subject, and tallies them by organisation", async () => {
    const store = await storeWith(
      sensorLines({ start: '2026-11-15T00:00:00Z', hours: 130, port: 5000, perHour: (h) => (h < 110 ? 3 : 50) }),
    );
    await run(
      store,
      report,
      reply(1, 'alice@a.example', 'We see this too, 3,400 distinct sources.'),
      reply(2, 'bob@b.example', '当方では観測されていません。', false),
      reply(3, 'eve@unknown.example', 'Same here!'),
      reply(4, 'carol@c.example', 'Is this Mirai?'),
    );
    const [e] = store.events.list();
    expect(store.events.list()).toHaveLength(1);
    const t = tallyOf(store.events.sightings(e!.id));
    expect(t).toMatchObject({
      confirm: 1,
      deny: 1,
      question: 1,
      other: 0,
      byOrg: { 'ORG-A': 'confirm', 'ORG-B': 'deny', 'ORG-C': 'question' },
    });
    expect(t.unverified.confirm).toBe(1);
    const alice = store.events.sightings(e!.id).find((s) => s.org === 'ORG-A')!;
    expect(alice.counts).toEqual({ sources: 3400 });
    // No second reply draft for the thread.
    expect(store.drafts.list().filter((d) => d.kind === 'reply')).toHaveLength(1);
  });

  it('counts the same reply once, however often it arrives', async () => {
    const store = await storeWith(
      sensorLines({ start: '2026-11-15T00:00:00Z', hours: 130, port: 5000, perHour: (h) => (h < 110 ? 3 : 50) }),
    );
    const r = reply(1, 'alice@a.example', 'Same here.');
    await run(store, report, r, r, r);
    expect(tallyOf(store.events.sightings(store.events.list()[0]!.id)).confirm).toBe(1);
    expect(store.events.sightings(store.events.list()[0]!.id)).toHaveLength(1);
  });

  /** Our reply to the report approved and gone out, as the dispatcher marks it. */
  function sendOurReply(store: Store) {
    const ours = store.drafts.list().find((d) => d.kind === 'reply')!;
    decide(store, ours.id, 'approve', 'alice', null);
    store.outbox.sent(store.outbox.pending().find((r) => r.draftId === ours.id)!.id, 'smtp');
  }

  it('drafts one follow-up in the thread once three organisations confirm', async () => {
    const store = await storeWith(
      sensorLines({ start: '2026-11-15T00:00:00Z', hours: 130, port: 5000, perHour: (h) => (h < 110 ? 3 : 50) }),
    );
    await run(store, report);
    sendOurReply(store);
    await run(
      store,
      reply(1, 'alice@a.example', 'Same here, 1,200 sources/hour.'),
      reply(2, 'bob@b.example', 'こちらでも観測しています。'),
    );
    expect(store.drafts.list().filter((d) => d.kind === 'followup')).toHaveLength(0);
    await run(store, reply(3, 'carol@c.example', 'We see it too.'), reply(4, 'dave@d.example', '+1'));
    const followups = store.drafts.list().filter((d) => d.kind === 'followup');
    expect(followups).toHaveLength(1);
    const f = followups[0]!;
    expect(f.subject).toBe('[TLP:AMBER] Re: [nsp] tcp/5000 scans');
    expect(f.text).toContain('3組織から同様の事象を観測しているとの返信がありました。');
    expect(f.text).toContain('同様の事象を観測：3組織（ORG-A、ORG-B、ORG-C）');
    expect(f.text).toContain('ORG-A：送信元 2,000'.replace('2,000', '1,200'));
    expect(f.text).toContain('3 member organisations have confirmed seeing this.');
    expect(f.eml.toString('latin1')).toMatch(/^In-Reply-To: <r1@reporter\.example>/m);
  });

  it('names no organisation in a follow-up to a list that prefers anonymity', async () => {
    const anon = validateConfig({
      ...config,
      lists: [{ name: 'nsp', listId: 'nsp.example.net', address: 'nsp@example.net', anonymous: true }],
      sightings: { followUpAfter: 2 },
    });
    const store = await storeWith(
      sensorLines({ start: '2026-11-15T00:00:00Z', hours: 130, port: 5000, perHour: (h) => (h < 110 ? 3 : 50) }),
    );
    const summary = emptySummary();
    await processMessage({ origin: 'test', raw: report }, contextFor(anon, store, { log }), summary);
    sendOurReply(store);
    for (const m of [reply(1, 'alice@a.example', 'Same here.'), reply(2, 'bob@b.example', 'Same here.')]) {
      await processMessage({ origin: 'test', raw: m }, contextFor(anon, store, { log }), summary);
    }
    const f = store.drafts.list().find((d) => d.kind === 'followup')!;
    expect(f.text).toContain('同様の事象を観測：2組織');
    expect(f.text).not.toContain('ORG-A');
  });
});
