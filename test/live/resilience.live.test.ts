import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { kansoku } from '../helpers/cli.ts';
import {
  IMAP_PORT,
  imap,
  newWorld,
  withBotStore,
  reportPost,
  smtpSend,
  startBot,
  until,
  writeBotConfig,
  type Bot,
} from '../helpers/mailstack.ts';
import { CuttingProxy } from '../helpers/proxy.ts';

const draftsIn = (dir: string) => withBotStore(dir, (s) => s.drafts.list());

const scratch = () => mkdtempSync(join(tmpdir(), 'kansoku-live-'));
let bot: Bot | null = null;
let proxy: CuttingProxy | null = null;

afterEach(async () => {
  if (bot) {
    bot.proc.kill('SIGKILL');
    await bot.exited;
    bot = null;
  }
  await proxy?.close();
  proxy = null;
});

describe('a rebuilt mailbox (new UIDVALIDITY)', () => {
  it('is read again from the start without drafting anything twice', async () => {
    const w = newWorld();
    const dir = scratch();
    const config = writeBotConfig(dir, w, { folders: ['Lists'] });
    const posts = [1, 2, 3, 4].map((n) => reportPost(w, n, { 'List-Id': `<${w.listId}>` }));
    const c = imap(w.botUser);
    await c.connect();
    await c.mailboxCreate('Lists');
    for (const p of posts.slice(0, 3)) await c.append('Lists', p.raw);
    const first = (await c.status('Lists', { uidValidity: true })) as { uidValidity: bigint };

    expect(kansoku(['--config', config, 'run'], dir).stdout).toContain('3 drafted');

    await c.mailboxDelete('Lists');
    await c.mailboxCreate('Lists');
    for (const p of posts) await c.append('Lists', p.raw);
    const second = (await c.status('Lists', { uidValidity: true })) as { uidValidity: bigint };
    await c.logout();
    expect(second.uidValidity).not.toBe(first.uidValidity);

    const again = kansoku(['--config', config, '--log-level', 'warn', 'run'], dir);
    expect(again.stdout).toContain('1 drafted');
    expect(again.stdout).toContain('3 already processed');
    expect(again.stderr).toContain('UIDVALIDITY changed');
    const drafts = draftsIn(dir);
    expect(drafts).toHaveLength(4);
    expect(new Set(drafts.map((d) => d.sourceMessageId)).size).toBe(4);
  });
});

describe('a dropped IMAP connection', () => {
  it('mid-IDLE: the bot reconnects and reads what arrived meanwhile', async () => {
    const w = newWorld();
    const dir = scratch();
    proxy = new CuttingProxy(IMAP_PORT);
    const config = writeBotConfig(dir, w, { imapPort: await proxy.listen() });
    bot = await startBot(dir, config);
    await until(() => proxy!.clientText.includes('IDLE'), 10_000, 'the bot to enter IDLE');
    proxy.cutAll();
    const post = reportPost(w, 1);
    await smtpSend(post.raw, 'member1@members.example', w.list);
    await until(
      () => draftsIn(dir).some((d) => d.sourceMessageId === post.messageId),
      20_000,
      'the draft after reconnecting',
    );
    expect(bot.output()).toContain('IMAP session ended; reconnecting');
  });

  it('mid-FETCH: the bot reconnects, resumes from its checkpoint, and drafts each post once', async () => {
    const w = newWorld();
    const dir = scratch();
    const padding = Array.from({ length: 1500 }, (_, i) => `padding line ${i} of a long report body`).join('\r\n');
    const posts = Array.from({ length: 40 }, (_, i) => reportPost(w, i + 1, { 'List-Id': `<${w.listId}>` }));
    const c = imap(w.botUser);
    await c.connect();
    for (const p of posts) await c.append('INBOX', `${p.raw}\r\n${padding}\r\n`);
    await c.logout();

    proxy = new CuttingProxy(IMAP_PORT);
    const config = writeBotConfig(dir, w, { imapPort: await proxy.listen() });
    proxy.cutDuring('BODY.PEEK[]', 300_000);
    bot = await startBot(dir, config);
    await until(() => draftsIn(dir).length === 40, 60_000, 'all 40 drafts');
    expect(proxy.cuts).toBeGreaterThanOrEqual(1);
    const drafts = draftsIn(dir);
    expect(new Set(drafts.map((d) => d.sourceMessageId))).toEqual(new Set(posts.map((p) => p.messageId)));
  });
});

describe('limits and marks', () => {
  it('skips a message over the size cap unread, goes on, and flags what it processed', async () => {
    const w = newWorld();
    const dir = scratch();
    const config = writeBotConfig(dir, w, { extra: { limits: { maxMessageBytes: 100_000 } } });
    // The keyword is an IMAP setting; add it to the generated config.
    const yaml = readFileSync(config, 'utf8').replace('  pollSeconds: 5', '  pollSeconds: 5\n  flagKeyword: $Kansoku');
    writeFileSync(config, yaml);
    const huge = reportPost(w, 1, { 'List-Id': `<${w.listId}>` });
    const normal = reportPost(w, 2, { 'List-Id': `<${w.listId}>` });
    const c = imap(w.botUser);
    await c.connect();
    await c.append('INBOX', `${huge.raw}\r\n${'x'.repeat(76).concat('\r\n').repeat(3000)}`);
    await c.append('INBOX', normal.raw);

    const r = kansoku(['--config', config, '--log-level', 'warn', 'run'], dir);
    expect(r.stdout).toContain('1 drafted');
    expect(r.stdout).toContain('1 quarantined');
    expect(r.stderr).toContain('message larger than limits.maxMessageBytes; skipped unread');
    expect(draftsIn(dir).map((d) => d.sourceMessageId)).toEqual([normal.messageId]);

    const lock = await c.getMailboxLock('INBOX');
    const flags = (await c.fetchAll('1:*', { uid: true, flags: true }, { uid: true })).map((m) => [...(m.flags ?? [])]);
    lock.release();
    await c.logout();
    expect(flags.every((f) => f.includes('$Kansoku'))).toBe(true);
  });
});
