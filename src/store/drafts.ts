import type { DraftKind, DraftStatus, Tlp } from '../model.ts';
import { KansokuError } from '../errors.ts';
import type { Db } from './db.ts';
import type { Page } from './sql.ts';

export interface StoredDraft extends NewDraft {
  id: number;
  status: DraftStatus;
  /** 1 for the draft as first written; one more for each revision before it was sent. */
  revision: number;
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
  /** Token that lets a moderator approve or reject by mail, until the draft is sent; null when mail review is off. */
  reviewToken: string | null;
  /** Why the draft waits for a person to release it; null when it does not. */
  heldReason?: string | null;
}

/** A draft's new content, as the outbound gate built it. */
export interface Revision {
  subject: string;
  tlp: Tlp;
  text: string;
  eml: Buffer;
  emlPath: string | null;
  reviewToken: string | null;
}

export interface DraftRevision {
  revision: number;
  subject: string;
  tlp: Tlp;
  text: string;
  replacedAt: string;
}

interface AuditNote {
  actor: string;
  note: string | null;
}

export interface Refusal {
  draftId: number | null;
  messageId: string;
  /** 'build': refused before it was written; 'send': refused by the dispatcher's check of the stored bytes. */
  stage: 'build' | 'send';
  reason: string;
  at?: string;
}

/** 'held' is a draft with a hold on it: the status column keeps the four states it always had. */
const STATUS = `CASE WHEN status = 'draft' AND held_reason IS NOT NULL THEN 'held' ELSE status END`;

const columns = `id, message_id AS "messageId", envelope_from AS "envelopeFrom", source_message_id AS "sourceMessageId",
  kind, subject, to_addr AS "to", tlp, ${STATUS} AS status, text, eml, eml_path AS "emlPath",
  review_token AS "reviewToken", held_reason AS "heldReason", revision, created_at AS "createdAt",
  updated_at AS "updatedAt"`;

export class DraftStore {
  constructor(private readonly db: Db) {}

  hasFor(sourceMessageId: string, kind: DraftKind): boolean {
    return (
      this.db.get('SELECT 1 FROM drafts WHERE source_message_id = ? AND kind = ?', sourceMessageId, kind) !== undefined
    );
  }

  add(d: NewDraft, actor: string): number {
    const now = new Date().toISOString();
    const { id } = this.db.get<{ id: number }>(
      `INSERT INTO drafts (message_id, envelope_from, source_message_id, kind, subject, to_addr, tlp, status, text,
             eml, eml_path, review_token, held_reason, created_at, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, 'draft', ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
      d.messageId,
      d.envelopeFrom,
      d.sourceMessageId,
      d.kind,
      d.subject,
      d.to,
      d.tlp,
      d.text,
      d.eml,
      d.emlPath,
      d.reviewToken,
      d.heldReason ?? null,
      now,
      now,
    )!;
    this.audit(id, 'create', actor, now, null);
    if (d.heldReason) this.audit(id, 'hold', actor, now, d.heldReason);
    return id;
  }

  get(id: number): StoredDraft {
    const row = this.db.get(`SELECT ${columns} FROM drafts WHERE id = ?`, id) as StoredDraft | undefined;
    if (!row) throw new KansokuError('DRAFT_NOT_FOUND', 'review', `#${id}`);
    return { ...row, revision: Number(row.revision) };
  }

  /** Drafts of `kind` created at or after `since` (ISO). */
  countSince(kind: DraftKind, since: string): number {
    const r = this.db.get<{ n: number | string }>(
      'SELECT COUNT(*) AS n FROM drafts WHERE kind = ? AND created_at >= ?',
      kind,
      since,
    );
    return Number(r?.n ?? 0);
  }

  /** The draft with this Message-ID, or null. */
  byMessageId(messageId: string): StoredDraft | null {
    const row = this.db.get<{ id: number }>('SELECT id FROM drafts WHERE message_id = ?', messageId);
    return row ? this.get(Number(row.id)) : null;
  }

  /**
   * Replaces an unsent draft's content with a new revision, keeping the one it replaces, and puts
   * it back before review ('draft'; a hold stays). The update names the status the caller saw, so
   * that a draft approved, sent or revised meanwhile is left alone: null then.
   */
  revise(
    id: number,
    seen: { status: DraftStatus; revision: number },
    next: Revision,
    entry: AuditNote,
  ): StoredDraft | null {
    return this.db.transaction(() => {
      if (seen.status === 'sent') return null;
      const old = this.get(id);
      const now = new Date().toISOString();
      // The update names the status and revision seen: a decision or a revision that landed since
      // (another connection's, under READ COMMITTED) leaves it without effect.
      const moved = this.db.run(
        `UPDATE drafts SET subject = ?, tlp = ?, text = ?, eml = ?, eml_path = ?, review_token = ?, status = 'draft',
           revision = revision + 1, updated_at = ? WHERE id = ? AND ${STATUS} = ? AND revision = ?`,
        next.subject,
        next.tlp,
        next.text,
        next.eml,
        next.emlPath,
        next.reviewToken,
        now,
        id,
        seen.status,
        seen.revision,
      ).changes;
      if (!moved) return null;
      this.db.run(
        `INSERT INTO draft_revisions (draft_id, revision, subject, tlp, text, eml, replaced_at)
           VALUES (?, ?, ?, ?, ?, ?, ?)`,
        id,
        old.revision,
        old.subject,
        old.tlp,
        old.text,
        old.eml,
        now,
      );
      this.audit(id, 'revise', entry.actor, now, entry.note);
      return this.get(id);
    });
  }

  /** What a draft said before each of its revisions, oldest first. */
  revisions(id: number): DraftRevision[] {
    return (
      this.db.all(
        `SELECT revision, subject, tlp, text, replaced_at AS "replacedAt" FROM draft_revisions WHERE draft_id = ?
           ORDER BY revision`,
        id,
      ) as DraftRevision[]
    ).map((r) => ({ ...r, revision: Number(r.revision) }));
  }

  /** Drafts by id, of one status when named; a page of them when `page` says which. */
  list(status?: DraftStatus, page?: Page): StoredDraft[] {
    const where = status ? `WHERE ${STATUS} = ?` : '';
    const limit = page ? 'LIMIT ? OFFSET ?' : '';
    const params = [...(status ? [status] : []), ...(page ? [page.limit, page.offset] : [])];
    return this.db.all(`SELECT ${columns} FROM drafts ${where} ORDER BY id ${limit}`, ...params) as StoredDraft[];
  }

  count(status: DraftStatus): number {
    return Number(
      this.db.get<{ n: number | string }>(`SELECT COUNT(*) AS n FROM drafts WHERE ${STATUS} = ?`, status)!.n,
    );
  }

  history(id: number): AuditEntry[] {
    return this.db.all(
      'SELECT action, actor, at, note FROM draft_audit WHERE draft_id = ? ORDER BY id',
      id,
    ) as AuditEntry[];
  }

  /** The draft a review token was issued for, until that draft is sent. */
  byReviewToken(token: string): StoredDraft | null {
    return (
      (this.db.get(`SELECT ${columns} FROM drafts WHERE review_token = ?`, token) as StoredDraft | undefined) ?? null
    );
  }

  /**
   * Moves a draft from the status and revision `seen` to `to` and records the step in its audit
   * trail, in one transaction. The update names both, so that of two instances deciding on one
   * draft at once only the first moves it, and a decision never lands on a revision written since:
   * null when the draft was no longer as seen. Leaving 'held' for
   * 'draft' lifts the hold; any other step keeps it.
   */
  transition(
    id: number,
    seen: { status: DraftStatus; revision: number },
    to: Exclude<DraftStatus, 'held'>,
    entry: { action: string; actor: string; note: string | null },
  ): StoredDraft | null {
    return this.db.transaction(() => {
      const now = new Date().toISOString();
      const lift = seen.status === 'held' && to === 'draft';
      const moved = this.db.run(
        `UPDATE drafts SET status = ?, ${lift ? 'held_reason = NULL, ' : ''}updated_at = ?` +
          ` WHERE id = ? AND ${STATUS} = ? AND revision = ?`,
        to,
        now,
        id,
        seen.status,
        seen.revision,
      ).changes;
      if (!moved) return null;
      this.audit(id, entry.action, entry.actor, now, entry.note);
      return this.get(id);
    });
  }

  /** Where the draft's .eml now lies (a released draft leaves the held/ folder). */
  moved(id: number, emlPath: string | null): void {
    this.db.run('UPDATE drafts SET eml_path = ? WHERE id = ?', emlPath, id);
  }

  /**
   * Records that the outbound gate refused a message, and holds its draft for a person: a refusal
   * is never dropped silently.
   */
  refuse(r: Refusal): void {
    const at = r.at ?? new Date().toISOString();
    this.db.transaction(() => {
      this.db.run(
        'INSERT INTO outbound_refusals (draft_id, message_id, stage, reason, at) VALUES (?, ?, ?, ?, ?)',
        r.draftId,
        r.messageId,
        r.stage,
        r.reason,
        at,
      );
      if (r.draftId === null) return;
      this.db.run(
        `UPDATE drafts SET status = 'draft', held_reason = ?, updated_at = ? ` +
          `WHERE id = ? AND status IN ('draft', 'approved')`,
        `outbound gate: ${r.reason}`,
        at,
        r.draftId,
      );
      this.audit(r.draftId, 'refused', 'outbound-gate', at, r.reason);
    });
  }

  /** Refusals of the outbound gate, newest first; of one draft when `draftId` is given. */
  /** The outbound gate's refusals, newest first: of one draft when named, at most `limit` when given. */
  refusals(draftId?: number, limit?: number): Array<Required<Refusal> & { id: number }> {
    const cols = 'id, draft_id AS "draftId", message_id AS "messageId", stage, reason, at';
    const where = draftId === undefined ? '' : 'WHERE draft_id = ?';
    const params = [...(draftId === undefined ? [] : [draftId]), ...(limit === undefined ? [] : [limit])];
    return this.db.all(
      `SELECT ${cols} FROM outbound_refusals ${where} ORDER BY id DESC ${limit === undefined ? '' : 'LIMIT ?'}`,
      ...params,
    ) as Array<Required<Refusal> & { id: number }>;
  }

  private audit(id: number, action: string, actor: string, at: string, note: string | null): void {
    this.db.run(
      'INSERT INTO draft_audit (draft_id, action, actor, at, note) VALUES (?, ?, ?, ?, ?)',
      id,
      action,
      actor,
      at,
      note,
    );
  }
}
