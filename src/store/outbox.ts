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
  /** Not to be sent before this time (an approval's grace period for a reversal); null: at once. */
  notBefore: string | null;
}

const columns = `id, draft_id AS "draftId", kind, message_id AS "messageId", envelope_from AS "envelopeFrom",
  envelope_to AS "envelopeTo", raw, attempts, last_attempt_at AS "lastAttemptAt", not_before AS "notBefore"`;

export type NewOutboxItem = Pick<
  OutboxItem,
  'draftId' | 'kind' | 'messageId' | 'envelopeFrom' | 'envelopeTo' | 'raw'
> & { notBefore?: string | null };

/**
 * The send intents. A row is written in the same transaction as the decision that makes it
 * (approval, a new draft's review request); the dispatcher sends it and marks it. `attempts` is
 * raised before each try, so after a crash a row with attempts > 0 may already be out.
 */
export class OutboxStore {
  constructor(private readonly db: Db) {}

  enqueue(item: NewOutboxItem): void {
    this.db.run(
      `INSERT INTO outbox (draft_id, kind, message_id, envelope_from, envelope_to, raw, status, created_at, not_before)
         VALUES (?, ?, ?, ?, ?, ?, 'pending', ?, ?) ON CONFLICT (message_id) DO NOTHING`,
      item.draftId,
      item.kind,
      item.messageId,
      item.envelopeFrom,
      item.envelopeTo,
      item.raw,
      new Date().toISOString(),
      item.notBefore ?? null,
    );
  }

  /** Takes back a draft's send intent that no one has tried yet; one already tried may be out. */
  withdraw(draftId: number): void {
    this.db.run(
      `DELETE FROM outbox WHERE draft_id = ? AND kind = 'draft' AND status = 'pending' AND attempts = 0`,
      draftId,
    );
  }

  /** Whether a send intent of the draft is still waiting (or being tried). */
  hasIntent(draftId: number): boolean {
    return (
      this.db.get(`SELECT 1 FROM outbox WHERE draft_id = ? AND kind = 'draft' AND status = 'pending'`, draftId) !==
      undefined
    );
  }

  /** Whether a send intent of the draft has been tried: it may be out then, whatever its status says. */
  attempted(draftId: number): boolean {
    return (
      this.db.get(`SELECT 1 FROM outbox WHERE draft_id = ? AND kind = 'draft' AND attempts > 0`, draftId) !== undefined
    );
  }

  /** What is waiting to be sent; rows the outbound gate refused are not. */
  pending(): OutboxItem[] {
    return this.db.all<OutboxItem>(
      `SELECT ${columns} FROM outbox WHERE status = 'pending' AND refused IS NULL ORDER BY id`,
    );
  }

  /** The outbound gate refused the stored bytes: the row stays, marked, and is never tried again. */
  refused(id: number, reason: string): void {
    this.db.run('UPDATE outbox SET refused = ? WHERE id = ?', reason.slice(0, 1000), id);
  }

  /**
   * Takes a pending row for this instance alone, and returns it as it is now; null when another
   * instance on the store is handling it or it is no longer pending. Held until `release`, or
   * until this process's connection ends.
   */
  claim(id: number): OutboxItem | null {
    if (!this.db.hold(`kansoku-outbox:${id}`)) return null;
    const item = this.db.get<OutboxItem>(
      `SELECT ${columns} FROM outbox WHERE id = ? AND status = 'pending' AND refused IS NULL`,
      id,
    );
    if (!item) this.release(id);
    return item ?? null;
  }

  release(id: number): void {
    this.db.unhold(`kansoku-outbox:${id}`);
  }

  /**
   * Records that a send is about to start; committed before the first byte goes out. False when
   * the row moved on since it was read as having `seen` attempts: someone else is sending it.
   */
  attempt(id: number, seen: number): boolean {
    return (
      this.db.run(
        'UPDATE outbox SET attempts = attempts + 1, last_attempt_at = ? ' +
          "WHERE id = ? AND attempts = ? AND status = 'pending'",
        new Date().toISOString(),
        id,
        seen,
      ).changes === 1
    );
  }

  failed(id: number, error: string): void {
    this.db.run('UPDATE outbox SET last_error = ? WHERE id = ?', error.slice(0, 1000), id);
  }

  /**
   * Marks the row sent, and its draft with it, in one transaction. `how` says whether we sent it or
   * found it already out.
   */
  sent(id: number, how: 'smtp' | 'found'): void {
    this.db.transaction(() => {
      const now = new Date().toISOString();
      this.db.run(
        `UPDATE outbox SET status = 'sent', sent_at = ?, sent_how = ?, last_error = NULL WHERE id = ?`,
        now,
        how,
        id,
      );
      const row = this.db.get('SELECT draft_id AS "draftId", kind FROM outbox WHERE id = ?', id) as {
        draftId: number | null;
        kind: string;
      };
      if (row.kind === 'draft' && row.draftId !== null) {
        // Sent is final: the review token that could reverse the decision is spent with it.
        this.db.run(
          `UPDATE drafts SET status = 'sent', review_token = NULL, updated_at = ? WHERE id = ? AND status = 'approved'`,
          now,
          row.draftId,
        );
        this.db.run(
          'INSERT INTO draft_audit (draft_id, action, actor, at, note) VALUES (?, ?, ?, ?, ?)',
          row.draftId,
          'sent',
          'dispatcher',
          now,
          how === 'found' ? 'found already delivered; not sent again' : null,
        );
      }
    });
  }

  /** Rows by status, and how many sends were interrupted and then recovered (tried again or found already out). */
  counts(): { pending: number; sent: number; recovered: number } {
    const rows = this.db.all<{ status: string; n: number }>('SELECT status, COUNT(*) AS n FROM outbox GROUP BY status');
    const recovered = this.db.get<{ n: number }>(
      "SELECT COUNT(*) AS n FROM outbox WHERE attempts > 1 OR sent_how = 'found'",
    )!.n;
    return {
      pending: rows.find((r) => r.status === 'pending')?.n ?? 0,
      sent: rows.find((r) => r.status === 'sent')?.n ?? 0,
      recovered,
    };
  }
}
