import type { Db } from './db.ts';

/** Where reading a mailbox stands: RFC 9051 names a message forever by (mailbox, UIDVALIDITY, UID). */
export interface Checkpoint {
  account: string;
  mailbox: string;
  uidValidity: string;
  lastUid: number;
}

export class CheckpointStore {
  constructor(private readonly db: Db) {}

  get(account: string, mailbox: string): Checkpoint | null {
    const row = this.db.get(
      'SELECT account, mailbox, uid_validity AS "uidValidity", last_uid AS "lastUid" FROM imap_checkpoints ' +
        'WHERE account = ? AND mailbox = ?',
      account,
      mailbox,
    ) as Checkpoint | undefined;
    return row ?? null;
  }

  /** Moves the checkpoint forward; called inside the transaction that stores what the message produced. */
  advance(c: Checkpoint): void {
    this.db.run(
      `INSERT INTO imap_checkpoints (account, mailbox, uid_validity, last_uid, updated_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (account, mailbox) DO UPDATE SET
           last_uid = CASE WHEN imap_checkpoints.uid_validity = excluded.uid_validity
               AND imap_checkpoints.last_uid > excluded.last_uid
             THEN imap_checkpoints.last_uid ELSE excluded.last_uid END,
           uid_validity = excluded.uid_validity, updated_at = excluded.updated_at`,
      c.account,
      c.mailbox,
      c.uidValidity,
      c.lastUid,
      new Date().toISOString(),
    );
  }
}
