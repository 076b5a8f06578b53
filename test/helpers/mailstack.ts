import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { ImapFlow } from 'imapflow';
import nodemailer from 'nodemailer';
import { dump } from 'js-yaml';
import { Store } from '../../src/store/index.ts';
import { fixture, root } from './paths.ts';
import { storeAt, storeConfig } from './store.ts';

/** The loopback mail stack of scripts/mail-stack.sh. */
export const MAILTEST_DIR = process.env.KANSOKU_MAILTEST_DIR ?? '/tmp/kansoku-mailtest';
export const IMAP_PORT = 14143;
export const SMTP_PORT = 10025;

export function mailStackUp(): void {
  const r = spawnSync('bash', [join(root, 'scripts', 'mail-stack.sh'), 'up'], {
    encoding: 'utf8',
    env: { ...process.env, KANSOKU_MAILTEST_DIR: MAILTEST_DIR },
  });
  if (r.status !== 0) throw new Error(`mail stack did not start: ${r.stderr}`);
}

/** A list of its own for one test: its mailbox, its review mailbox, its addresses. */
export interface World {
  id: string;
  botUser: string;
  reviewUser: string;
  list: string;
  listId: string;
  botAddress: string;
  reviewAddress: string;
}

export function newWorld(): World {
  const id = randomBytes(5).toString('hex');
  const world = {
    id,
    botUser: `bot-${id}`,
    reviewUser: `review-${id}`,
    list: `list-${id}@example.test`,
    listId: `list-${id}.example.test`,
    botAddress: `kansoku-${id}@example.test`,
    reviewAddress: `review-${id}@example.test`,
  };
  for (const u of [world.botUser, world.reviewUser])
    writeFileSync(join(MAILTEST_DIR, 'dovecot', 'users.d', u), `${u}:{PLAIN}secret\n`);
  return world;
}

export function imap(user: string, port = IMAP_PORT): ImapFlow {
  const c = new ImapFlow({
    host: '127.0.0.1',
    port,
    secure: false,
    auth: { user, pass: 'secret' },
    logger: false,
    disableAutoIdle: true,
  });
  c.on('error', () => undefined);
  return c;
}

const transport = nodemailer.createTransport({
  host: '127.0.0.1',
  port: SMTP_PORT,
  secure: false,
  ignoreTLS: true,
  pool: false,
});

/** Sends a message through Postfix, as a member's mail client would. */
export async function smtpSend(raw: string | Buffer, from: string, to: string): Promise<string> {
  const info = await transport.sendMail({ envelope: { from, to: [to] }, raw });
  return info.response;
}

/**
 * A member's report of 5000/tcp (and of 40000+n/tcp, its own event), dated inside the demo sensor log so that
 * the counters have data.
 */
export function reportPost(
  w: World,
  n: number,
  extra: Record<string, string> = {},
): { messageId: string; raw: string } {
  const messageId = `<post-${w.id}-${n}@members.example>`;
  const headers: Record<string, string> = {
    From: `Member ${n} <member${n}@members.example>`,
    To: w.list,
    Subject: `[test] tcp/5000 scanning, report ${n}`,
    Date: 'Fri, 20 Nov 2026 10:15:00 +0900',
    'Message-ID': messageId,
    'MIME-Version': '1.0',
    'Content-Type': 'text/plain; charset=UTF-8',
    'Content-Transfer-Encoding': '8bit',
    ...extra,
  };
  const body =
    `Folks,\n\nWe see a sharp rise of SYN scans on tcp/5000 since yesterday (report ${n}).\n` +
    // A port of its own, so that each report gets a reply of its own (one answer per event).
    `Also some on tcp/${40000 + n}. Are others seeing this?\n`;
  return {
    messageId,
    raw: `${Object.entries(headers)
      .map(([k, v]) => `${k}: ${v}`)
      .join('\r\n')}\r\n\r\n${body.replace(/\n/g, '\r\n')}`,
  };
}

export interface BotConfigOptions {
  imapPort?: number;
  folders?: string[];
  extra?: Record<string, unknown>;
}

/** Writes a kansoku.yaml that points the bot at this world's mailboxes and the real servers. */
export function writeBotConfig(dir: string, w: World, o: BotConfigOptions = {}): string {
  const config = {
    identity: { from: `kansoku <${w.botAddress}>`, nameJa: 'テスト運用チーム', nameEn: 'Test ops' },
    operator: { networks: ['198.51.100.0/24'], tlp: 'GREEN' },
    lists: [{ name: 'test-list', listId: w.listId, address: w.list, defaultTlp: 'AMBER' }],
    counters: { files: [fixture('demo', 'sensor.log')] },
    imap: {
      host: '127.0.0.1',
      port: o.imapPort ?? IMAP_PORT,
      security: 'none',
      user: w.botUser,
      password: 'secret',
      folders: o.folders ?? ['INBOX'],
      pollSeconds: 5,
    },
    smtp: { host: '127.0.0.1', port: SMTP_PORT, security: 'none' },
    send: { echoWaitSeconds: 2 },
    // The weekly digest, the daily overview and our own advisories (the demo log's 2375/tcp) have
    // tests of their own; here they would add a draft to every count.
    digest: { enabled: false },
    overview: { enabled: false },
    advisory: { maxPerDay: 0 },
    store: storeConfig(dir),
    draft: { outbox: join(dir, 'outbox') },
    ...o.extra,
  };
  const path = join(dir, 'kansoku.yaml');
  writeFileSync(path, dump(config));
  return path;
}

export interface Bot {
  proc: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

/** Starts `kansoku run --watch` and resolves once it says it is watching. */
export async function startBot(cwd: string, config: string): Promise<Bot> {
  const proc = spawn(
    process.execPath,
    [join(root, 'bin', 'kansoku.js'), '--config', config, '--log-level', 'info', 'run', '--watch'],
    {
      cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  proc.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  proc.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
  const deadline = Date.now() + 30_000;
  while (!out.includes('watching') && Date.now() < deadline) {
    if (proc.exitCode !== null) throw new Error(`bot exited early:\n${out}`);
    await sleep(50);
  }
  if (!out.includes('watching')) throw new Error(`bot did not start:\n${out}`);
  return { proc, output: () => out, exited };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `fn` until it returns a truthy value, or fails after `ms`. */
export async function until<T>(fn: () => T | Promise<T>, ms = 20_000, what = 'condition'): Promise<NonNullable<T>> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

/** Every message in a mailbox, as raw text, with its UID. */
export async function mailbox(user: string, folder = 'INBOX'): Promise<Array<{ uid: number; raw: string }>> {
  const c = imap(user);
  await c.connect();
  try {
    const lock = await c.getMailboxLock(folder);
    try {
      if (!(c.mailbox && c.mailbox.exists)) return [];
      return (await c.fetchAll('1:*', { uid: true, source: true }, { uid: true })).map((m) => ({
        uid: m.uid,
        raw: m.source!.toString('latin1'),
      }));
    } finally {
      lock.release();
    }
  } finally {
    await c.logout();
  }
}

/** Opens the bot's store the way a second process would, while the bot runs. */
export function withBotStore<T>(dir: string, fn: (s: Store) => T): T {
  const s = Store.open(storeAt(dir));
  try {
    return fn(s);
  } finally {
    s.close();
  }
}
