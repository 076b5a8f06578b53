import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  mailbox,
  newWorld,
  withBotStore,
  reportPost,
  sleep,
  smtpSend,
  startBot,
  until,
  writeBotConfig,
  type Bot,
} from '../helpers/mailstack.ts';
import { decide } from '../../src/review/transitions.ts';

const POSTS = 200;

/** Approves every waiting draft, as a moderator at the CLI would (`kansoku approve` runs the same call). */
function approveAll(dir: string): void {
  withBotStore(dir, (s) => {
    for (const d of s.drafts.list('draft')) {
      try {
        decide(s, d.id, 'approve', 'chaos-moderator', null);
      } catch {
        // Decided meanwhile by another hand: fine.
      }
    }
  });
}

describe('killed at random while the list is busy', () => {
  it(`misses no post, drafts none twice, sends no advisory twice (${POSTS} posts, SIGKILL and restart)`, async () => {
    const w = newWorld();
    const dir = mkdtempSync(join(tmpdir(), 'kansoku-chaos-'));
    const config = writeBotConfig(dir, w, { extra: { send: { echoWaitSeconds: 3 } } });
    const posts = Array.from({ length: POSTS }, (_, i) => reportPost(w, i + 1));

    let bot: Bot = await startBot(dir, config);
    let sendingDone = false;
    let stopKilling = false;
    let kills = 0;

    const sending = (async () => {
      for (const p of posts) {
        await smtpSend(p.raw, 'member@members.example', w.list);
        await sleep(Math.random() * 60);
      }
      sendingDone = true;
    })();
    const approving = (async () => {
      while (!stopKilling) {
        approveAll(dir);
        await sleep(250);
      }
    })();
    const killing = (async () => {
      while (!stopKilling) {
        await sleep(400 + Math.random() * 1600);
        bot.proc.kill('SIGKILL');
        await bot.exited;
        kills++;
        bot = await startBot(dir, config);
      }
    })();

    await sending;
    await until(() => sendingDone, 5_000);
    // Keep killing for a while after the last post, so that sends are interrupted too.
    await sleep(8_000);
    stopKilling = true;
    await killing;
    await approving;

    await until(() => withBotStore(dir, (s) => s.drafts.list().length) === POSTS, 120_000, 'a draft for every post');
    // The moderator keeps approving until nothing waits: an approval that met the bot's write lock
    // (SQLite's busy timeout, while a restarted bot catches up) is made again, as a person would.
    await until(
      () => {
        approveAll(dir);
        return withBotStore(dir, (s) => s.drafts.list().every((d) => d.status === 'sent'));
      },
      120_000,
      'every approved draft sent',
    );
    bot.proc.kill('SIGTERM');
    expect(await bot.exited).toBe(0);

    expect(kills).toBeGreaterThanOrEqual(5);
    const { recovered } = withBotStore(dir, (s) => s.outbox.counts());
    console.log(`chaos: ${kills} kills, ${recovered} sends interrupted and recovered`);
    const drafts = withBotStore(dir, (s) => s.drafts.list());
    expect(drafts).toHaveLength(POSTS);
    expect(new Set(drafts.map((d) => d.sourceMessageId))).toEqual(new Set(posts.map((p) => p.messageId)));
    for (const p of posts) expect(withBotStore(dir, (s) => s.messages.has(p.messageId))).toBe(true);

    // What reached the list: each advisory exactly once.
    const advisories = (await mailbox(w.botUser)).filter((m) => /^X-Kansoku-Draft:/m.test(m.raw));
    const ids = advisories.map((m) => /^Message-ID:\s*(<[^>]+>)/im.exec(m.raw)![1]);
    const counts = new Map<string, number>();
    for (const id of ids) counts.set(id!, (counts.get(id!) ?? 0) + 1);
    expect([...counts.values()].filter((n) => n > 1)).toEqual([]);
    expect(new Set(ids)).toEqual(new Set(drafts.map((d) => d.messageId)));
  }, 400_000);
});
