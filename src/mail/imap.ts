import { ImapFlow, type ImapFlowOptions, type MailboxObject } from 'imapflow';
import type { Config } from '../config/schema.ts';
import { KansokuError } from '../errors.ts';
import type { Logger } from '../log.ts';
import type { Store } from '../store/index.ts';
import type { RawMessage } from './sources.ts';

export type ImapConfig = NonNullable<Config['imap']>;

/** The password from the config, else from the environment variable it names; never logged. */
export function imapPassword(cfg: ImapConfig): string | undefined {
  return cfg.password ?? process.env[cfg.passwordEnv];
}

/** A stable name for the account in checkpoints: one store can follow several accounts. */
export function accountKey(cfg: ImapConfig): string {
  return `${cfg.user ?? ''}@${cfg.host}:${cfg.port}`;
}

export function imapOptions(cfg: ImapConfig, extra: Partial<ImapFlowOptions> = {}): ImapFlowOptions {
  const pass = imapPassword(cfg);
  if (cfg.user && pass === undefined) {
    throw new KansokuError('CONFIG_INVALID', 'mail', `imap.password is not set and $${cfg.passwordEnv} is empty`);
  }
  return {
    host: cfg.host,
    port: cfg.port,
    secure: cfg.security === 'tls',
    doSTARTTLS: cfg.security === 'starttls' ? true : cfg.security === 'none' ? false : undefined,
    auth: cfg.user ? { user: cfg.user, pass: pass! } : undefined,
    logger: false,
    connectionTimeout: 30_000,
    ...extra,
  };
}

const BATCH = 50;

/**
 * Reads one mailbox from its checkpoint on: every message with a UID above the last one done, in
 * UID order. A UIDVALIDITY other than the checkpoint's means the mailbox was rebuilt: everything
 * is read again, and Message-IDs keep that from drafting twice.
 */
export class MailboxSync {
  stopping = false;

  constructor(
    private readonly cfg: ImapConfig,
    readonly folder: string,
    private readonly store: Store,
    private readonly handle: (m: RawMessage) => Promise<void>,
    private readonly log: Logger,
    private readonly maxBytes: number,
  ) {}

  /** Reads what is new; returns how many messages were handed on. */
  async sync(client: ImapFlow): Promise<number> {
    const account = accountKey(this.cfg);
    const lock = await client.getMailboxLock(this.folder);
    let handed = 0;
    const done: number[] = [];
    try {
      const mb = client.mailbox as MailboxObject;
      const uidValidity = String(mb.uidValidity);
      const cp = this.store.checkpoints.get(account, this.folder);
      if (cp && cp.uidValidity !== uidValidity) {
        this.log.warn(
          { folder: this.folder, was: cp.uidValidity, now: uidValidity },
          'UIDVALIDITY changed; reading the mailbox again',
        );
      }
      const last = cp && cp.uidValidity === uidValidity ? cp.lastUid : 0;
      if (mb.exists === 0) return 0;
      // "n:*" names the last message even when its UID is below n (RFC 9051 6.4.8): filter.
      const meta = (await client.fetchAll(`${last + 1}:*`, { uid: true, size: true }, { uid: true }))
        .filter((x) => x.uid > last)
        .sort((a, b) => a.uid - b.uid);
      for (let i = 0; i < meta.length && !this.stopping; i += BATCH) {
        const batch = meta.slice(i, i + BATCH);
        const small = batch.filter((x) => (x.size ?? 0) <= this.maxBytes).map((x) => x.uid);
        const big = batch.filter((x) => (x.size ?? 0) > this.maxBytes).map((x) => x.uid);
        const bodies = new Map<number, Buffer>();
        if (small.length)
          for (const f of await client.fetchAll(small.join(','), { uid: true, source: true }, { uid: true }))
            if (f.source) bodies.set(f.uid, f.source);
        // Too large to read: the headers are enough to record and skip it.
        if (big.length)
          for (const f of await client.fetchAll(big.join(','), { uid: true, headers: true }, { uid: true }))
            if (f.headers) bodies.set(f.uid, f.headers);
        for (const x of batch) {
          if (this.stopping) break;
          const raw = bodies.get(x.uid);
          if (!raw) continue;
          const oversize = (x.size ?? 0) > this.maxBytes;
          if (oversize)
            this.log.warn(
              { folder: this.folder, uid: x.uid, size: x.size },
              'message larger than limits.maxMessageBytes; skipped unread',
            );
          await this.handle({
            origin: `imap:${account}/${this.folder}#${uidValidity}:${x.uid}`,
            raw,
            size: x.size,
            checkpoint: { account, mailbox: this.folder, uidValidity, lastUid: x.uid },
          });
          handed++;
          done.push(x.uid);
        }
      }
      if (this.cfg.flagKeyword && done.length) {
        await client.messageFlagsAdd(done.join(','), [this.cfg.flagKeyword], { uid: true }).catch((err: Error) => {
          this.log.warn({ folder: this.folder, err: err.message }, 'could not set the processed keyword');
        });
      }
    } finally {
      lock.release();
    }
    return handed;
  }
}

const sleep = (ms: number, signal: { wake?: () => void }) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.wake = () => {
      clearTimeout(t);
      resolve();
    };
  });

/**
 * Keeps one mailbox in view: connect, catch up from the checkpoint, then wait in IDLE (or poll
 * where the server has no IDLE) and read whatever arrives. A dropped connection is replaced by a
 * new client (an ImapFlow cannot be reused) after a backoff, and reading resumes from the checkpoint.
 */
export class MailboxWatcher {
  private stopped = false;
  private wakeup: { wake?: () => void } = {};
  private running: Promise<void> | null = null;

  constructor(
    private readonly cfg: ImapConfig,
    private readonly reader: MailboxSync,
    private readonly log: Logger,
  ) {}

  start(): void {
    this.running ??= this.loop();
  }

  /** Finishes the message at hand, then logs out. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.reader.stopping = true;
    this.wakeup.wake?.();
    await this.running;
  }

  private async loop(): Promise<void> {
    let backoff = 500;
    while (!this.stopped) {
      const client = new ImapFlow(
        imapOptions(this.cfg, {
          autoIdleDelay: this.cfg.idleDelayMs,
          maxIdleTime: this.cfg.maxIdleMinutes * 60_000,
          missingIdleCommand: 'NOOP',
        }),
      );
      // imapflow emits 'error' on socket trouble; with no listener that would end the process.
      client.on('error', (err: Error) =>
        this.log.warn({ folder: this.reader.folder, err: err.message }, 'IMAP connection error'),
      );
      let dirty = true;
      const poke = () => {
        dirty = true;
        this.wakeup.wake?.();
      };
      client.on('exists', poke);
      client.on('close', poke);
      const poll = setInterval(poke, this.cfg.pollSeconds * 1000);
      let reason = 'connection closed';
      try {
        await client.connect();
        backoff = 500;
        this.log.info({ folder: this.reader.folder, idle: client.capabilities.has('IDLE') }, 'IMAP connected');
        while (!this.stopped && client.usable) {
          if (dirty) {
            dirty = false;
            await this.reader.sync(client);
            continue;
          }
          await sleep(this.cfg.pollSeconds * 1000, this.wakeup);
        }
      } catch (err) {
        reason = (err as Error).message;
      } finally {
        clearInterval(poll);
        if (client.usable) await client.logout().catch(() => client.close());
        else client.close();
      }
      if (!this.stopped) {
        this.log.warn({ folder: this.reader.folder, reason, retryInMs: backoff }, 'IMAP session ended; reconnecting');
        await sleep(backoff + Math.floor(Math.random() * 250), this.wakeup);
        backoff = Math.min(backoff * 2, 60_000);
      }
    }
  }
}

/** Opens a short-lived session, runs `fn`, logs out. */
export async function withImap<T>(cfg: ImapConfig, fn: (client: ImapFlow) => Promise<T>): Promise<T> {
  const client = new ImapFlow(imapOptions(cfg, { disableAutoIdle: true }));
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.logout().catch(() => client.close());
  }
}

/** Whether a message with this Message-ID is in any of the folders: has it gone out already? */
export async function findMessageId(client: ImapFlow, folders: string[], messageId: string): Promise<boolean> {
  for (const folder of folders) {
    let lock;
    try {
      lock = await client.getMailboxLock(folder, { readOnly: true });
    } catch {
      continue;
    }
    try {
      const uids = await client.search({ header: { 'message-id': messageId } }, { uid: true });
      if (Array.isArray(uids) && uids.length) return true;
    } finally {
      lock.release();
    }
  }
  return false;
}
