import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { kansoku } from '../helpers/cli.ts';
import {
  mailbox,
  newWorld,
  withBotStore,
  reportPost,
  smtpSend,
  startBot,
  until,
  writeBotConfig,
  type Bot,
  type World,
} from '../helpers/mailstack.ts';

describe('on a real list: Postfix in, IMAP IDLE, SMTP out', () => {
  let w: World;
  let dir: string;
  let config: string;
  let bot: Bot;

  beforeAll(async () => {
    w = newWorld();
    dir = mkdtempSync(join(tmpdir(), 'kansoku-live-'));
    // No grace period here: the test waits for the send, not for a reversal.
    config = writeBotConfig(dir, w, {
      extra: { review: { address: w.reviewAddress, moderators: ['alice@example.test'], sendDelaySeconds: 0 } },
    });
    bot = await startBot(dir, config);
  });

  // What the bot logged is what a failure here needs to be understood.
  afterEach((ctx) => {
    if (ctx.task.result?.state === 'fail') console.log(`bot output:\n${bot?.output()}`);
  });

  afterAll(async () => {
    bot?.proc.kill('SIGTERM');
    await bot?.exited;
  });

  it('turns a post delivered through Postfix into a draft within seconds', async () => {
    const post = reportPost(w, 1);
    await smtpSend(post.raw, 'member1@members.example', w.list);
    const draft = await until(
      () => withBotStore(dir, (s) => s.drafts.list().find((d) => d.sourceMessageId === post.messageId)),
      15_000,
      'a draft',
    );
    expect(draft.status).toBe('draft');
    expect(draft.to).toBe(w.list);
    expect(draft.subject).toContain('tcp/5000');
  });

  it('mails the moderators a review request with a one-time token', async () => {
    const msgs = await until(
      async () => {
        const m = await mailbox(w.reviewUser);
        return m.length ? m : null;
      },
      15_000,
      'the review request',
    );
    const req = await simpleParser(Buffer.from(msgs[0]!.raw, 'latin1'));
    expect(req.subject).toMatch(/^\[kansoku review\] KS-[0-9A-Z]{10} /);
    expect(req.text).toContain('「承認」または「却下」');
  });

  it("ignores a token from someone who is not a moderator, and approves on a moderator's 承認", async () => {
    const [req] = await mailbox(w.reviewUser);
    const token = /KS-[0-9A-Z]{10}/.exec(req!.raw)![0];
    const requestId = (await simpleParser(Buffer.from(req!.raw, 'latin1'))).messageId!;
    const reply = (from: string, n: number, word: string) =>
      [
        `From: ${from}`,
        `To: ${w.botAddress}`,
        `Subject: Re: [kansoku review] ${token} draft`,
        `Message-ID: <review-reply-${w.id}-${n}@example.test>`,
        `In-Reply-To: ${requestId}`,
        'Date: Sat, 21 Nov 2026 10:00:00 +0900',
        'Content-Type: text/plain; charset=UTF-8',
        '',
        word,
        '',
        '> 「承認」または「却下」と書いてください。',
      ].join('\r\n');
    await smtpSend(reply('mallory@example.test', 1, '承認'), 'mallory@example.test', w.botAddress);
    await until(
      () => withBotStore(dir, (s) => s.messages.has(`<review-reply-${w.id}-1@example.test>`)),
      15_000,
      'the spoofed reply to be seen',
    );
    expect(withBotStore(dir, (s) => s.drafts.list()[0]!.status)).toBe('draft');

    await smtpSend(reply('alice@example.test', 2, '承認します。'), 'alice@example.test', w.botAddress);
    const sent = await until(
      () => withBotStore(dir, (s) => (s.drafts.list()[0]!.status === 'sent' ? s.drafts.list()[0] : null)),
      20_000,
      'the draft to be sent',
    );
    const history = withBotStore(dir, (s) => s.drafts.history(sent.id));
    expect(history.map((h) => `${h.action}:${h.actor}`)).toEqual([
      'create:kansoku',
      'approve:mail:alice@example.test',
      'sent:dispatcher',
    ]);
  });

  it('delivers the advisory to the list through Postfix, threaded to the post, once', async () => {
    const post = reportPost(w, 1);
    const ours = await until(
      async () => {
        const all = await mailbox(w.botUser);
        const mine = all.filter((m) => /^X-Kansoku-Draft:/m.test(m.raw));
        return mine.length ? mine : null;
      },
      15_000,
      'the advisory in the list mailbox',
    );
    expect(ours).toHaveLength(1);
    const parsed = await simpleParser(Buffer.from(ours[0]!.raw, 'latin1'));
    expect(parsed.inReplyTo).toBe(post.messageId);
    expect(ours[0]!.raw).toMatch(new RegExp(`^List-Id: .*<${w.listId}>`, 'm'));
    expect(parsed.subject).toBe('[TLP:AMBER] Re: [test] tcp/5000 scanning, report 1');
    expect(parsed.text).toContain('Member 1さんご報告の5000/tcp、40001/tcpの件、当方でも同様の増加を観測しています。');
    // The list echoed our own post back: it is recorded, and answered by nothing.
    const echo = await until(
      () => withBotStore(dir, (s) => s.messages.has(parsed.messageId!)),
      15_000,
      'the echo to be seen',
    );
    expect(echo).toBe(true);
    expect(withBotStore(dir, (s) => s.drafts.list()).length).toBe(1);
  });

  it('answers no auto-reply and no bounce that come through the list', async () => {
    const auto = [
      `From: Away <away@members.example>`,
      `To: ${w.list}`,
      'Subject: Out of office: tcp/5000',
      `Message-ID: <ooo-${w.id}@members.example>`,
      'Auto-Submitted: auto-replied',
      'Date: Fri, 20 Nov 2026 10:20:00 +0900',
      '',
      'I am away. tcp/5000 questions to noc@members.example.',
    ].join('\r\n');
    const bounce = [
      'From: Mail Delivery System <MAILER-DAEMON@members.example>',
      `To: ${w.list}`,
      'Subject: Undelivered Mail Returned to Sender',
      `Message-ID: <bounce-${w.id}@members.example>`,
      'Date: Fri, 20 Nov 2026 10:21:00 +0900',
      'MIME-Version: 1.0',
      'Content-Type: multipart/report; report-type=delivery-status; boundary="b"',
      '',
      '--b',
      'Content-Type: text/plain',
      '',
      'Your message about tcp/5000 could not be delivered.',
      '--b',
      'Content-Type: message/delivery-status',
      '',
      'Reporting-MTA: dns; members.example',
      '',
      'Final-Recipient: rfc822; gone@members.example',
      'Action: failed',
      'Status: 5.1.1',
      '--b--',
      '',
    ].join('\r\n');
    await smtpSend(auto, 'away@members.example', w.list);
    await smtpSend(bounce, '', w.list);
    await until(
      () =>
        withBotStore(
          dir,
          (s) => s.messages.has(`<ooo-${w.id}@members.example>`) && s.messages.has(`<bounce-${w.id}@members.example>`),
        ),
      15_000,
      'both to be seen',
    );
    expect(withBotStore(dir, (s) => s.drafts.list()).length).toBe(1);
  });

  it('drafts nothing for mail that did not come through a configured list', async () => {
    const direct = reportPost(w, 2, { To: w.botAddress });
    await smtpSend(direct.raw, 'member2@members.example', w.botAddress);
    await until(() => withBotStore(dir, (s) => s.messages.has(direct.messageId)), 15_000, 'the direct mail to be seen');
    expect(withBotStore(dir, (s) => s.drafts.list()).length).toBe(1);
  });

  it('stops cleanly on SIGTERM', async () => {
    bot.proc.kill('SIGTERM');
    expect(await bot.exited).toBe(0);
    expect(bot.output()).toContain('stopping: finishing the message at hand');
    // Nothing is lost across the stop: a post sent while it is down is read on the next start.
    const post = reportPost(w, 3);
    await smtpSend(post.raw, 'member3@members.example', w.list);
    const r = kansoku(['--config', config, 'run'], dir);
    expect(r.code).toBe(0);
    expect(withBotStore(dir, (s) => s.drafts.hasFor(post.messageId, 'reply'))).toBe(true);
  });
});
