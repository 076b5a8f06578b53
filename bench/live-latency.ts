/**
 * Time from Postfix accepting a post (SMTP 250) to the draft stored, with the bot watching its
 * mailbox over IMAP IDLE. Needs the loopback mail stack: `bash scripts/mail-stack.sh up`.
 * Prints numbers; asserts nothing. Run with `npm run bench:live`.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Store } from '../src/store/index.ts';
import {
  mailStackUp,
  newWorld,
  reportPost,
  sleep,
  smtpSend,
  startBot,
  writeBotConfig,
} from '../test/helpers/mailstack.ts';

const N = Number(process.env.N ?? 20);

mailStackUp();
const w = newWorld();
const dir = mkdtempSync(join(tmpdir(), 'kansoku-bench-'));
const bot = await startBot(dir, writeBotConfig(dir, w));
const store = Store.open(join(dir, 'kansoku.sqlite'));
const times: number[] = [];
try {
  for (let i = 1; i <= N; i++) {
    const post = reportPost(w, i);
    await smtpSend(post.raw, 'member@members.example', w.list);
    const accepted = performance.now();
    while (!store.drafts.hasFor(post.messageId, 'reply')) {
      if (performance.now() - accepted > 30_000) throw new Error(`no draft for post ${i} after 30 s`);
      await sleep(5);
    }
    times.push(performance.now() - accepted);
    await sleep(300);
  }
} finally {
  store.close();
  bot.proc.kill('SIGTERM');
  await bot.exited;
}
times.sort((a, b) => a - b);
const q = (p: number) => times[Math.min(times.length - 1, Math.floor(p * times.length))]!;
console.log(
  `SMTP 250 -> draft stored, ${N} posts over IMAP IDLE: ` +
    `median ${q(0.5).toFixed(0)} ms, p90 ${q(0.9).toFixed(0)} ms, max ${q(1).toFixed(0)} ms ` +
    '(target: median under 2000 ms)',
);
