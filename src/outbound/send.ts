import nodemailer, { type Transporter } from 'nodemailer';
import type { Config } from '../config/schema.ts';
import { KansokuError } from '../errors.ts';
import type { Logger } from '../log.ts';
import type { OutboxItem, Store } from '../store/index.ts';
import { ImapFlow } from 'imapflow';
import { OutboundGate } from './gate.ts';
import { findMessageId, imapOptions } from '../mail/imap.ts';

export type SmtpConfig = NonNullable<Config['smtp']>;

export function smtpTransport(cfg: SmtpConfig): Transporter {
  const pass = cfg.password ?? process.env[cfg.passwordEnv];
  if (cfg.user && pass === undefined) {
    throw new KansokuError('CONFIG_INVALID', 'mail', `smtp.password is not set and $${cfg.passwordEnv} is empty`);
  }
  return nodemailer.createTransport({
    host: cfg.host,
    port: cfg.port,
    secure: cfg.security === 'tls',
    requireTLS: cfg.security === 'starttls',
    ignoreTLS: cfg.security === 'none',
    auth: cfg.user ? { user: cfg.user, pass: pass! } : undefined,
    connectionTimeout: 30_000,
    greetingTimeout: 30_000,
    socketTimeout: 60_000,
  });
}

export interface DispatchResult {
  sent: number;
  found: number;
  failed: number;
  waiting: number;
  /** Refused by the outbound gate's check of the stored bytes: kept, held for review, never sent. */
  refused: number;
}

/**
 * Sends what the outbox holds, each message at most once in effect. The attempt is recorded
 * before the first byte goes out; a row that was attempted before (the bot may have died between
 * the server's 250 and the mark) is first looked for in the list mailbox, where the list echoes
 * our posts, and in the Sent folder, and only sent again, with the same Message-ID, when it is in
 * neither (RFC 1047's synchronisation gap cannot be closed from the client side).
 */
export class Dispatcher {
  private transport: Transporter | null = null;
  /** One IMAP session per dispatch round, opened when a lookup or a Sent copy first needs it. */
  private session: ImapFlow | null = null;
  private readonly gate: OutboundGate;

  constructor(
    private readonly config: Config,
    private readonly store: Store,
    private readonly log: Logger,
  ) {
    this.gate = new OutboundGate(config, store.placeholders);
  }

  async dispatch(): Promise<DispatchResult> {
    const result: DispatchResult = { sent: 0, found: 0, failed: 0, waiting: 0, refused: 0 };
    const now = new Date().toISOString();
    const items = this.store.outbox.pending().filter((i) => {
      // An approval's grace period: a reversal may still land.
      if (i.notBefore === null || i.notBefore <= now) return true;
      result.waiting++;
      return false;
    });
    if (!items.length) return result;
    if (!this.config.smtp) {
      this.log.warn({ pending: items.length }, 'approved mail is waiting, but no smtp server is configured');
      result.waiting = items.length;
      return result;
    }
    this.transport ??= smtpTransport(this.config.smtp);
    try {
      for (const listed of items) {
        const item = this.store.outbox.claim(listed.id);
        if (!item) continue;
        try {
          await this.one(item, result);
        } finally {
          this.store.outbox.release(item.id);
        }
      }
    } finally {
      await this.endSession();
    }
    return result;
  }

  private async one(item: OutboxItem, result: DispatchResult): Promise<void> {
    // The last look before the wire: whatever wrote the row, the stored bytes pass the gate or stay.
    const problems = item.envelopeTo.trim()
      ? await this.gate.check(item.raw, [item.envelopeTo])
      : ['no recipient to send it to'];
    if (problems.length) {
      const reason = problems.join('; ');
      this.store.transaction(() => {
        this.store.outbox.refused(item.id, reason);
        this.store.drafts.refuse({ draftId: item.draftId, messageId: item.messageId, stage: 'send', reason });
      });
      this.log.error(
        { messageId: item.messageId, draft: item.draftId, problems },
        'outbound gate refused to send; kept for review',
      );
      result.refused++;
      return;
    }
    if (item.attempts > 0) {
      const since = Date.now() - Date.parse(item.lastAttemptAt ?? '1970-01-01T00:00:00Z');
      if (since < this.config.send.echoWaitSeconds * 1000) {
        result.waiting++;
        return;
      }
      let out: boolean;
      try {
        out = await this.alreadyOut(item);
      } catch {
        result.waiting++;
        return;
      }
      if (out) {
        this.store.outbox.sent(item.id, 'found');
        this.log.info(
          { messageId: item.messageId },
          'found already delivered after an interrupted send; not sent again',
        );
        result.found++;
        return;
      }
    }
    if (!this.store.outbox.attempt(item.id, item.attempts)) {
      result.waiting++;
      return;
    }
    try {
      await this.transport!.sendMail({ envelope: { from: item.envelopeFrom, to: [item.envelopeTo] }, raw: item.raw });
    } catch (err) {
      this.store.outbox.failed(item.id, (err as Error).message);
      this.log.warn({ messageId: item.messageId, err: (err as Error).message }, 'send failed; will retry');
      result.failed++;
      return;
    }
    await this.keepCopy(item);
    this.store.outbox.sent(item.id, 'smtp');
    this.log.info({ messageId: item.messageId, to: item.envelopeTo, kind: item.kind }, 'sent');
    result.sent++;
  }

  private async imap(): Promise<ImapFlow> {
    if (this.session?.usable) return this.session;
    const c = new ImapFlow(imapOptions(this.config.imap!, { disableAutoIdle: true }));
    c.on('error', () => undefined);
    await c.connect();
    this.session = c;
    return c;
  }

  private async endSession(): Promise<void> {
    const c = this.session;
    this.session = null;
    if (c?.usable) await c.logout().catch(() => c.close());
  }

  private async alreadyOut(item: OutboxItem): Promise<boolean> {
    const imap = this.config.imap;
    if (!imap) {
      this.log.warn(
        { messageId: item.messageId },
        'no IMAP to check an interrupted send against; sending again with the same Message-ID',
      );
      return false;
    }
    try {
      return await findMessageId(await this.imap(), [...imap.folders, imap.sentFolder], item.messageId);
    } catch (err) {
      // Unknown is not "not sent": try again later rather than risk a duplicate.
      this.log.warn(
        { messageId: item.messageId, err: (err as Error).message },
        'could not check whether an interrupted send went out',
      );
      throw err;
    }
  }

  /** A copy in the Sent folder lets a restart find the message even where the list does not echo. */
  private async keepCopy(item: OutboxItem): Promise<void> {
    const imap = this.config.imap;
    if (!imap) return;
    try {
      await (await this.imap()).append(imap.sentFolder, item.raw, ['\\Seen']);
    } catch (err) {
      this.log.warn(
        { messageId: item.messageId, err: (err as Error).message },
        'could not keep a copy in the Sent folder',
      );
    }
  }

  close(): void {
    this.transport?.close();
  }
}
