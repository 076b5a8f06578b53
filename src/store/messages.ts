import type { Finding, Report } from '../model.ts';
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
}

export class MessageStore {
  constructor(private readonly db: Db) {}

  has(messageId: string): boolean {
    return this.db.get('SELECT 1 FROM messages WHERE message_id = ?', messageId) !== undefined;
  }

  add(r: MessageRecord): void {
    this.db.run(
      `INSERT INTO messages (message_id, origin, subject, from_addr, list_id, sent_at, status, reason, report_json, findings_json, processed_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
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
      new Date().toISOString(),
    );
  }

  /** Records a message that could not be taken through the pipeline, once, with the reason. */
  quarantine(messageId: string, origin: string, reason: string): void {
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
    });
  }

  /** The stored Report of an earlier post, for threading and for "one draft per thread and port". */
  report(messageId: string): Report | null {
    const row = this.db.get('SELECT report_json FROM messages WHERE message_id = ?', messageId) as
      { report_json: string | null } | undefined;
    return row?.report_json ? (JSON.parse(row.report_json) as Report) : null;
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
