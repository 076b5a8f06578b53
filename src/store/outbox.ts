import type { Db } from './db.ts';

export interface OutboxItem {
  id: number;
  draftId: number | null;
  kind: 'draft' | 'review';
  messageId: string;
  envelopeFrom: string;
  envelopeTo: string;
  raw: Buffer;
  attempts: number;
  lastAttemptAt: string | null;
}

export type NewOutboxItem = Pick<OutboxItem, 'draftId' | 'kind' | 'messageId' | 'envelopeFrom' | 'envelopeTo' | 'raw'>;

/**
 * The send intents. A row is written in the same transaction as the decision that makes it
 * (approval, a new draft's review request); the dispatcher sends it and marks it. `attempts` is
 * raised before each try, so after a crash a row with attempts > 0 may already be out.
 */
export class OutboxStore {
  constructor(private readonly db: Db) {}

  enqueue(item: NewOutboxItem): void {
    this.db.run(`INSERT INTO outbox (draft_id, kind, message_id, envelope_from, envelope_to, raw, status, created_at)
         VALUES (?, ?, ?, ?, ?, ?, 'pending', ?) ON CONFLICT (message_id) DO NOTHING`, item.draftId, item.kind, item.messageId, item.envelopeFrom, item.envelopeTo, item.raw, new Date().toISOString());
  }

  pending(): OutboxItem[] {
    return this.db.all(`SELECT id, draft_id AS "draftId", kind, message_id AS "messageId", envelope_from AS "envelopeFrom", envelope_to AS "envelopeTo",
           raw, attempts, last_attempt_at AS "lastAttemptAt" FROM outbox WHERE status = 'pending' ORDER BY id`,) as OutboxItem[];
  }

  /** Records that a send is about to start; committed before the first byte goes out. */
  attempt(id: number): void {
    this.db.run('UPDATE outbox SET attempts = attempts + 1, last_attempt_at = ? WHERE id = ?', new Date().toISOString(), id);
  }

  failed(id: number, error: string): void {
    this.db.run('UPDATE outbox SET last_error = ? WHERE id = ?', error.slice(0, 1000), id);
  }

  /** Marks the row sent, and its draft with it, in one transaction. `how` says whether we sent it or found it already out. */
  sent(id: number, how: 'smtp' | 'found'): void {
    this.db.transaction(() => {
      const now = new Date().toISOString();
      this.db.run(`UPDATE outbox SET status = 'sent', sent_at = ?, sent_how = ?, last_error = NULL WHERE id = ?`, now, how, id);
      const row = this.db.get('SELECT draft_id AS "draftId", kind FROM outbox WHERE id = ?', id) as { draftId: number | null; kind: string };
      if (row.kind === 'draft' && row.draftId !== null) {
        this.db.run(`UPDATE drafts SET status = 'sent', updated_at = ? WHERE id = ? AND status = 'approved'`, now, row.draftId);
        this.db.run('INSERT INTO draft_audit (draft_id, action, actor, at, note) VALUES (?, ?, ?, ?, ?)', row.draftId, 'sent', 'dispatcher', now, how === 'found' ? 'found already delivered; not sent again' : null);
      }
    });
  }

  counts(): { pending: number; sent: number } {
    const rows = this.db.all('SELECT status, COUNT(*) AS n FROM outbox GROUP BY status') as Array<{ status: string; n: number }>;
    return { pending: rows.find((r) => r.status === 'pending')?.n ?? 0, sent: rows.find((r) => r.status === 'sent')?.n ?? 0 };
  }
}
