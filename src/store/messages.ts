import type { Decision, Finding, PostHeader, Report } from '../model.ts';
import type { Db } from './db.ts';

export type MessageStatus = 'processed' | 'skipped' | 'quarantined';

export interface MessageRecord {
  messageId: string;
  origin: string;
  subject: string | null;
  fromAddr: string | null;
  listId: string | null;
  sentAt: string | null;
  status: MessageStatus;
  /** Why the message was skipped or quarantined, or what was decided about it. */
  reason: string | null;
  report: Report | null;
  findings: Finding[] | null;
  decision: Decision | null;
  /** The post's header facts, for rendering a reply to it again; null for what was not read. */
  header?: PostHeader | null;
  /** The post's text as it was read, for the reviewer; null for what was not read. */
  text?: string | null;
}

export class MessageStore {
  constructor(private readonly db: Db) {}

  has(messageId: string): boolean {
    return this.db.get('SELECT 1 FROM messages WHERE message_id = ?', messageId) !== undefined;
  }

  add(r: MessageRecord): void {
    this.db.run(
      `INSERT INTO messages (message_id, origin, subject, from_addr, list_id, sent_at, status, reason, report_json,
         findings_json, decision_json, header_json, text, processed_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      r.messageId,
      r.origin,
      r.subject,
      r.fromAddr,
      r.listId,
      r.sentAt,
      r.status,
      r.reason,
      r.report ? JSON.stringify(r.report) : null,
      r.findings ? JSON.stringify(r.findings) : null,
      r.decision ? JSON.stringify(r.decision) : null,
      r.header ? JSON.stringify(r.header) : null,
      r.text ?? null,
      new Date().toISOString(),
    );
  }

  /** Records a message that could not be taken through the pipeline, once, with the reason. */
  quarantine(messageId: string, origin: string, reason: string, decision: Decision | null = null): void {
    if (this.has(messageId)) return;
    this.add({
      messageId,
      origin,
      subject: null,
      fromAddr: null,
      listId: null,
      sentAt: null,
      status: 'quarantined',
      reason,
      report: null,
      findings: null,
      decision,
    });
  }

  /** The whole record of a message, or null when it was never taken in. */
  get(messageId: string): MessageRecord | null {
    const row = this.db.get(
      `SELECT message_id, origin, subject, from_addr, list_id, sent_at, status, reason, report_json, findings_json,
         decision_json FROM messages WHERE message_id = ?`,
      messageId,
    ) as MessageRow | undefined;
    return row ? fromRow(row) : null;
  }

  /** Replaces the Decision stored with a message: steps after its commit (follow-ups) add to it. */
  setDecision(messageId: string, decision: Decision): void {
    this.db.run('UPDATE messages SET decision_json = ? WHERE message_id = ?', JSON.stringify(decision), messageId);
  }

  /** Records one more failure of the message at `origin`; returns how many it has had. */
  failed(origin: string, error: string): number {
    const at = new Date().toISOString();
    this.db.run(
      `INSERT INTO message_failures (origin, failures, last_error, last_at) VALUES (?, 1, ?, ?)
         ON CONFLICT (origin) DO UPDATE SET failures = message_failures.failures + 1, last_error = ?, last_at = ?`,
      origin,
      error,
      at,
      error,
      at,
    );
    const row = this.db.get('SELECT failures FROM message_failures WHERE origin = ?', origin) as
      { failures: number | bigint } | undefined;
    return Number(row?.failures ?? 0);
  }

  /** The message at `origin` got through: earlier failures no longer count. */
  recovered(origin: string): void {
    this.db.run('DELETE FROM message_failures WHERE origin = ?', origin);
  }

  /** The stored Report of an earlier post, for threading and for "one draft per thread and port". */
  report(messageId: string): Report | null {
    const row = this.db.get('SELECT report_json FROM messages WHERE message_id = ?', messageId) as
      { report_json: string | null } | undefined;
    return row?.report_json ? (JSON.parse(row.report_json) as Report) : null;
  }

  /** The header facts of a stored post, for rendering a reply to it again. */
  header(messageId: string): PostHeader | null {
    const row = this.db.get<{ header_json: string | null }>(
      'SELECT header_json FROM messages WHERE message_id = ?',
      messageId,
    );
    return row?.header_json ? (JSON.parse(row.header_json) as PostHeader) : null;
  }

  /** The post's text as it was read; null when it was not kept (not read, or stored by an older kansoku). */
  text(messageId: string): string | null {
    return (
      this.db.get<{ text: string | null }>('SELECT text FROM messages WHERE message_id = ?', messageId)?.text ?? null
    );
  }

  subject(messageId: string): string | null {
    const row = this.db.get('SELECT subject FROM messages WHERE message_id = ?', messageId) as
      { subject: string | null } | undefined;
    return row?.subject ?? null;
  }

  /** The List-Id a message came through. */
  listId(messageId: string): string | null {
    const row = this.db.get('SELECT list_id FROM messages WHERE message_id = ?', messageId) as
      { list_id: string | null } | undefined;
    return row?.list_id ?? null;
  }

  counts(): Record<MessageStatus, number> {
    const out: Record<MessageStatus, number> = { processed: 0, skipped: 0, quarantined: 0 };
    for (const r of this.db.all('SELECT status, COUNT(*) AS n FROM messages GROUP BY status') as Array<{
      status: MessageStatus;
      n: number;
    }>)
      out[r.status] = r.n;
    return out;
  }
}

interface MessageRow {
  message_id: string;
  origin: string;
  subject: string | null;
  from_addr: string | null;
  list_id: string | null;
  sent_at: string | null;
  status: MessageStatus;
  reason: string | null;
  report_json: string | null;
  findings_json: string | null;
  decision_json: string | null;
}

function fromRow(r: MessageRow): MessageRecord {
  return {
    messageId: r.message_id,
    origin: r.origin,
    subject: r.subject,
    fromAddr: r.from_addr,
    listId: r.list_id,
    sentAt: r.sent_at,
    status: r.status,
    reason: r.reason,
    report: r.report_json ? (JSON.parse(r.report_json) as Report) : null,
    findings: r.findings_json ? (JSON.parse(r.findings_json) as Finding[]) : null,
    decision: r.decision_json ? (JSON.parse(r.decision_json) as Decision) : null,
  };
}
