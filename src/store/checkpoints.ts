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
    const row = this.db
      .prepare('SELECT account, mailbox, uid_validity AS uidValidity, last_uid AS lastUid FROM imap_checkpoints WHERE account = ? AND mailbox = ?')
      .get(account, mailbox) as Checkpoint | undefined;
    return row ?? null;
  }

  /** Moves the checkpoint forward; called inside the transaction that stores what the message produced. */
  advance(c: Checkpoint): void {
    this.db
      .prepare(
        `INSERT INTO imap_checkpoints (account, mailbox, uid_validity, last_uid, updated_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (account, mailbox) DO UPDATE SET
           last_uid = CASE WHEN uid_validity = excluded.uid_validity THEN MAX(last_uid, excluded.last_uid) ELSE excluded.last_uid END,
           uid_validity = excluded.uid_validity, updated_at = excluded.updated_at`,
      )
      .run(c.account, c.mailbox, c.uidValidity, c.lastUid, new Date().toISOString());
  }
}
