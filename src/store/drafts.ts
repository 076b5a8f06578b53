import type { DraftKind, DraftStatus, Tlp } from '../model.ts';
import { KansokuError } from '../errors.ts';
import type { Db } from './db.ts';
import type { OutboxStore } from './outbox.ts';

export interface StoredDraft extends NewDraft {
  id: number;
  status: DraftStatus;
  createdAt: string;
  updatedAt: string;
}

export interface AuditEntry {
  action: string;
  actor: string;
  at: string;
  note: string | null;
}

export interface NewDraft {
  messageId: string;
  /** The sender address the SMTP envelope uses. */
  envelopeFrom: string;
  sourceMessageId: string;
  kind: DraftKind;
  subject: string;
  to: string;
  tlp: Tlp;
  text: string;
  eml: Buffer;
  emlPath: string | null;
  /** One-time token that lets a moderator approve or reject by mail; null when mail review is off. */
  reviewToken: string | null;
}

/** Which status changes a reviewer may make. Sending (approved -> sent) belongs to the sender. */
const transitions: Record<string, DraftStatus[]> = {
  approve: ['draft'],
  reject: ['draft', 'approved'],
};

const columns = `id, message_id AS "messageId", envelope_from AS "envelopeFrom", source_message_id AS "sourceMessageId", kind, subject,
  to_addr AS "to", tlp, status, text, eml, eml_path AS "emlPath", review_token AS "reviewToken", created_at AS "createdAt", updated_at AS "updatedAt"`;

export class DraftStore {
  constructor(
    private readonly db: Db,
    private readonly outbox: OutboxStore,
  ) {}

  hasFor(sourceMessageId: string, kind: DraftKind): boolean {
    return this.db.get('SELECT 1 FROM drafts WHERE source_message_id = ? AND kind = ?', sourceMessageId, kind) !== undefined;
  }

  add(d: NewDraft, actor: string): number {
    const now = new Date().toISOString();
    const { id } = this.db.get<{ id: number }>(
      `INSERT INTO drafts (message_id, envelope_from, source_message_id, kind, subject, to_addr, tlp, status, text, eml, eml_path,
             review_token, created_at, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, 'draft', ?, ?, ?, ?, ?, ?) RETURNING id`,
      d.messageId, d.envelopeFrom, d.sourceMessageId, d.kind, d.subject, d.to, d.tlp, d.text, d.eml, d.emlPath, d.reviewToken, now, now,
    )!;
    this.audit(id, 'create', actor, now, null);
    return id;
  }

  get(id: number): StoredDraft {
    const row = this.db.get(`SELECT ${columns} FROM drafts WHERE id = ?`, id) as StoredDraft | undefined;
    if (!row) throw new KansokuError('DRAFT_NOT_FOUND', 'review', `#${id}`);
    return row;
  }

  list(status?: DraftStatus): StoredDraft[] {
    return (
      status
        ? this.db.all(`SELECT ${columns} FROM drafts WHERE status = ? ORDER BY id`, status)
        : this.db.all(`SELECT ${columns} FROM drafts ORDER BY id`)
    ) as StoredDraft[];
  }

  history(id: number): AuditEntry[] {
    return this.db.all('SELECT action, actor, at, note FROM draft_audit WHERE draft_id = ? ORDER BY id', id) as AuditEntry[];
  }

  /** The draft a review token was issued for, while the token is still unused. */
  byReviewToken(token: string): StoredDraft | null {
    return (this.db.get(`SELECT ${columns} FROM drafts WHERE review_token = ?`, token) as StoredDraft | undefined) ?? null;
  }

  /**
   * Approves or rejects a draft and records who did it and when. Approval also stores the intent
   * to send (the outbox row) in the same transaction; the review token is spent either way.
   */
  decide(id: number, action: 'approve' | 'reject', actor: string, note: string | null): StoredDraft {
    return this.db.transaction(() => {
      const d = this.get(id);
      if (!transitions[action]!.includes(d.status))
        throw new KansokuError('DRAFT_STATE', 'review', `#${id} is ${d.status}; ${action} needs ${transitions[action]!.join(' or ')}`);
      if (action === 'approve' && d.tlp === 'RED') throw new KansokuError('DRAFT_TLP_RED', 'review', `#${id}`);
      const now = new Date().toISOString();
      const status: DraftStatus = action === 'approve' ? 'approved' : 'rejected';
      this.db.run('UPDATE drafts SET status = ?, review_token = NULL, updated_at = ? WHERE id = ?', status, now, id);
      this.audit(id, action, actor, now, note);
      if (action === 'approve') {
        this.outbox.enqueue({ draftId: id, kind: 'draft', messageId: d.messageId, envelopeFrom: d.envelopeFrom, envelopeTo: d.to, raw: d.eml });
      } else {
        this.db.run(`DELETE FROM outbox WHERE draft_id = ? AND kind = 'draft' AND status = 'pending' AND attempts = 0`, id);
      }
      return { ...d, status, reviewToken: null, updatedAt: now };
    });
  }

  private audit(id: number, action: string, actor: string, at: string, note: string | null): void {
    this.db.run('INSERT INTO draft_audit (draft_id, action, actor, at, note) VALUES (?, ?, ?, ?, ?)', id, action, actor, at, note);
  }
}
