import { contextFor } from '../../src/app.ts';
import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/config/load.ts';
import { iso2022jpHeader, jisSafe } from '../../src/outbound/iso2022jp.ts';
import { compose } from '../../src/outbound/compose.ts';
import type { DraftMessage } from '../../src/model.ts';
import { moderatorDecision, newReviewToken, reviewRequestId } from '../../src/review/mail.ts';
import { decide } from '../../src/review/transitions.ts';
import { post } from '../helpers/post.ts';
import { openTestStore } from '../helpers/store.ts';

const toEml = (d: DraftMessage, o: { charset?: 'utf-8' | 'iso-2022-jp'; date?: Date } = {}) =>
  compose({ ...d, draftMessageId: d.messageId, automatic: false, charset: o.charset ?? 'utf-8', date: o.date });

const draft: DraftMessage = {
  kind: 'reply',
  messageId: '<kansoku.reply.0123456789abcdef01234567@isp.example>',
  from: 'kansoku <kansoku@isp.example>',
  to: 'nsp-sec-jp@example.net',
  subject: '[TLP:AMBER] Re: [nsp-sec-jp] tcp/5000 スキャンの急増について',
  inReplyTo: '<p1@example.org>',
  references: ['<p1@example.org>'],
  tlp: 'AMBER',
  text: '各位\n\n当方でも同様の事象を観測しています。①番目の観測点では約19倍です。\n\n----\nHi all,\nWe see this too.\n',
  sourceMessageId: '<p1@example.org>',
};

describe('ISO-2022-JP for older Japanese lists', () => {
  it('sends 7-bit ISO-2022-JP that a mail client decodes back to the same Japanese', async () => {
    const eml = await toEml(draft, { charset: 'iso-2022-jp', date: new Date('2026-11-20T02:00:00Z') });
    expect([...eml].every((b) => b < 0x80)).toBe(true);
    const text = eml.toString('latin1');
    expect(text).toMatch(/^Content-Type: text\/plain; charset=ISO-2022-JP$/m);
    expect(text).toMatch(/^Content-Transfer-Encoding: 7bit$/m);
    expect(text).toContain('\x1b$B');
    const parsed = await simpleParser(eml);
    expect(parsed.subject).toBe(draft.subject);
    expect(parsed.text).toContain('当方でも同様の事象を観測しています。(1)番目の観測点では約19倍です。');
    expect(parsed.text).toContain('We see this too.');
    expect(parsed.inReplyTo).toBe('<p1@example.org>');
    expect(parsed.messageId).toBe(draft.messageId);
  });

  it('replaces what JIS X 0208 cannot carry instead of losing it', () => {
    expect(jisSafe('①②㈱ＡＢＣ観測')).toBe('(1)(2)(株)ＡＢＣ観測');
    expect(iso2022jpHeader('plain ascii')).toBe('plain ascii');
    for (const w of iso2022jpHeader(draft.subject).split(' ')) expect(w.length).toBeLessThanOrEqual(75);
  });

  it('sends UTF-8 by default', async () => {
    const eml = (await toEml(draft)).toString('utf8');
    expect(eml).toMatch(/charset=utf-8/i);
  });
});

describe('approval by mail', () => {
  const config = validateConfig({ review: { address: 'noc@isp.example', moderators: ['alice@isp.example'] } });
  const token = newReviewToken();
  const reply = (from: string, text: string, over: Parameters<typeof post>[1] = {}) =>
    post(text, {
      from: { address: from, name: '' },
      subject: `Re: [kansoku review] ${token} draft`,
      listId: null,
      inReplyTo: reviewRequestId(token, config),
      ...over,
    });

  it('issues tokens that differ each time', () => {
    expect(newReviewToken()).not.toBe(newReviewToken());
    expect(token).toMatch(/^KS-[0-9A-Z]{10}$/);
  });

  it('reads 承認 / approve and 却下 / reject from a moderator', () => {
    expect(moderatorDecision(reply('alice@isp.example', '承認します'), config)).toMatchObject({
      kind: 'decision',
      action: 'approve',
      token,
    });
    expect(moderatorDecision(reply('alice@isp.example', 'Approve.'), config)).toMatchObject({ action: 'approve' });
    expect(moderatorDecision(reply('alice@isp.example', '却下'), config)).toMatchObject({ action: 'reject' });
    expect(moderatorDecision(reply('alice@isp.example', 'reject: not ours'), config)).toMatchObject({
      action: 'reject',
    });
  });

  it('reads only the reply, never the quoted request', () => {
    const quoted = `ok\n\nOn Sat, kansoku wrote:\n> 「承認」または「却下」と書いてください。\n> approve or reject`;
    expect(moderatorDecision(reply('alice@isp.example', quoted), config)).toMatchObject({
      kind: 'ignored',
      answer: 'alice@isp.example',
    });
  });

  it('never approves on a refusal, a hedge, a signature or an out-of-office reply', () => {
    for (const text of [
      '承認しません',
      '承認できません。',
      'Do not approve this yet',
      "I can't approve this",
      'Approve? No.',
      'Thanks,\nBob\nApproval team lead',
      '只今不在にしております。承認は戻り次第対応します。',
    ]) {
      expect(moderatorDecision(reply('alice@isp.example', text), config), text).toMatchObject({ kind: 'ignored' });
    }
  });

  it('ignores anyone who is not a moderator, without answering them', () => {
    expect(moderatorDecision(reply('mallory@evil.example', '承認'), config)).toMatchObject({
      kind: 'ignored',
      answer: null,
    });
  });

  it('needs an aligned DKIM pass at the trusted server for a moderator, when one is configured', () => {
    const strict = validateConfig({
      review: { address: 'noc@isp.example', moderators: ['alice@isp.example'] },
      auth: { trustedServerId: 'mx.isp.example' },
    });
    const fail = ['mx.isp.example; dkim=fail header.d=isp.example'];
    const pass = ['mx.isp.example; dkim=pass header.d=isp.example'];
    expect(moderatorDecision(reply('alice@isp.example', '承認', { authResults: fail }), strict)).toMatchObject({
      kind: 'ignored',
    });
    expect(moderatorDecision(reply('alice@isp.example', '承認', { authResults: [] }), strict)).toMatchObject({
      kind: 'ignored',
    });
    expect(moderatorDecision(reply('alice@isp.example', '承認', { authResults: pass }), strict)).toMatchObject({
      kind: 'decision',
      action: 'approve',
    });
  });

  it('is not a review reply unless it answers one of our review requests', () => {
    expect(
      moderatorDecision(reply('alice@isp.example', '承認', { subject: 'Re: something', inReplyTo: null }), config),
    ).toBeNull();
    // A token in the subject or text of a post is nothing by itself.
    expect(
      moderatorDecision(reply('alice@isp.example', `承認 ${token}`, { inReplyTo: '<p1@example.org>' }), config),
    ).toBeNull();
    expect(
      moderatorDecision(
        reply('alice@isp.example', '承認'),
        validateConfig({ review: { moderators: ['alice@isp.example'] } }),
      ),
    ).toBeNull();
    // From References too, as clients that drop In-Reply-To still keep them.
    expect(
      moderatorDecision(
        reply('alice@isp.example', '承認', { inReplyTo: null, references: ['<x@y>', reviewRequestId(token, config)] }),
        config,
      ),
    ).toMatchObject({ kind: 'decision' });
  });

  it('keeps the token until the draft is sent, so that a second mail can reverse the first', () => {
    const s = openTestStore();
    const id = s.drafts.add(
      { ...draft, envelopeFrom: 'kansoku@isp.example', eml: Buffer.from('x'), emlPath: null, reviewToken: token },
      'kansoku',
    );
    expect(s.drafts.byReviewToken(token)?.id).toBe(id);
    decide(s, id, 'approve', 'mail:alice@isp.example', null, '2099-01-01T00:00:00.000Z');
    expect(s.drafts.byReviewToken(token)?.status).toBe('approved');
    expect(s.outbox.pending().map((o) => [o.messageId, o.notBefore])).toEqual([
      [draft.messageId, '2099-01-01T00:00:00.000Z'],
    ]);
    decide(s, id, 'reject', 'mail:alice@isp.example', null);
    expect(s.outbox.pending()).toEqual([]);
    decide(s, id, 'approve', 'mail:alice@isp.example', null);
    const [row] = s.outbox.pending();
    s.outbox.sent(row!.id, 'smtp');
    expect(s.drafts.byReviewToken(token)).toBeNull();
  });

  it('withdraws the send intent when an approved draft is rejected before it went out', () => {
    const s = openTestStore();
    const id = s.drafts.add(
      { ...draft, envelopeFrom: 'kansoku@isp.example', eml: Buffer.from('x'), emlPath: null, reviewToken: null },
      'kansoku',
    );
    decide(s, id, 'approve', 'alice', null);
    decide(s, id, 'reject', 'bob', 'wrong port');
    expect(s.outbox.pending()).toEqual([]);
  });
});

describe('auto-send', () => {
  it('approves a kind of draft that send.autoSend allows, and leaves others for a person', async () => {
    const { processMessage, emptySummary } = await import('../../src/pipeline/process.ts');
    const { sensorLines, storeWith } = await import('../helpers/sensor.ts');
    const { createLogger } = await import('../../src/log.ts');
    const raw = (n: number) =>
      Buffer.from(
        [
          `From: m@members.example`,
          'To: list@example.net',
          `Subject: tcp/5000 scans ${n}`,
          'Date: Fri, 20 Nov 2026 10:15:00 +0900',
          `Message-ID: <auto-${n}@members.example>`,
          'List-Id: <nsp.example.net>',
          '',
          'tcp/5000 up sharply, anyone else?',
        ].join('\r\n'),
      );
    const lists = [{ name: 'nsp', listId: 'nsp.example.net', address: 'list@example.net' }];
    for (const [autoSend, status] of [
      [['reply'], 'approved'],
      [[], 'draft'],
    ] as const) {
      const store = await storeWith(
        sensorLines({ start: '2026-11-15T00:00:00Z', hours: 130, port: 5000, perHour: (h) => (h < 110 ? 3 : 50) }),
      );
      const config = validateConfig({
        lists,
        send: { autoSend: [...autoSend] },
        draft: { outbox: '/tmp/kansoku-test-outbox' },
      });
      await processMessage(
        { origin: 'test', raw: raw(1) },
        contextFor(config, store, { log: createLogger('silent') }),
        emptySummary(),
      );
      expect(store.drafts.list().map((d) => d.status)).toEqual([status]);
      expect(store.outbox.pending()).toHaveLength(status === 'approved' ? 1 : 0);
      // What goes without a person says so (RFC 3834); what a person approves does not.
      expect(/^Auto-Submitted: auto-generated\r$/m.test(store.drafts.list()[0]!.eml.toString('latin1'))).toBe(
        status === 'approved',
      );
    }
  });
});
