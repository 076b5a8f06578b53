import type { EventRow, Proto, SightingRow, Verdict } from '../model.ts';
import type { Db } from './db.ts';
import type { Page } from './sql.ts';
import { addHours, HOUR_MS } from '../time.ts';

const eventColumns = `id, proto, port, first_seen AS "firstSeen", last_seen AS "lastSeen",
  first_message AS "firstMessage", subject, last_verdict AS "lastVerdict", ended_at AS "endedAt"`;

export class EventStore {
  constructor(private readonly db: Db) {}

  /** The event for this (proto, port) that is still open at `at`: active within `windowHours`. */
  findOpen(proto: Proto, port: number, at: string, windowHours: number): EventRow | null {
    const from = addHours(at, -windowHours);
    const to = addHours(at, windowHours);
    return (
      (this.db.get(
        `SELECT ${eventColumns} FROM events WHERE proto = ? AND port = ? AND last_seen >= ? AND first_seen <= ?
         ORDER BY last_seen DESC LIMIT 1`,
        proto,
        port,
        from,
        to,
      ) as EventRow | undefined) ?? null
    );
  }

  create(proto: Proto, port: number, at: string, messageId: string, subject: string | null): EventRow {
    const { id } = this.db.get<{ id: number }>(
      'INSERT INTO events (proto, port, first_seen, last_seen, first_message, subject, created_at) ' +
        'VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id',
      proto,
      port,
      at,
      at,
      messageId,
      subject,
      new Date().toISOString(),
    )!;
    return this.get(id)!;
  }

  get(id: number): EventRow | null {
    return (this.db.get(`SELECT ${eventColumns} FROM events WHERE id = ?`, id) as EventRow | undefined) ?? null;
  }

  /** Events our counters called elevated that have not ended. */
  elevatedOpen(): EventRow[] {
    return this.db.all(
      `SELECT ${eventColumns} FROM events WHERE last_verdict = 'elevated' AND ended_at IS NULL ORDER BY id`,
    ) as EventRow[];
  }

  /** Records that the event's port was back at its usual level from `at` (ISO). */
  end(id: number, at: string): void {
    this.db.run('UPDATE events SET ended_at = ? WHERE id = ? AND ended_at IS NULL', at, id);
  }

  /** Events by id; a page of them, newest first, when `page` says which. */
  list(page?: Page): EventRow[] {
    if (!page) return this.db.all(`SELECT ${eventColumns} FROM events ORDER BY id`) as EventRow[];
    return this.db.all(
      `SELECT ${eventColumns} FROM events ORDER BY id DESC LIMIT ? OFFSET ?`,
      page.limit,
      page.offset,
    ) as EventRow[];
  }

  count(): number {
    return Number(this.db.get<{ n: number | string }>('SELECT COUNT(*) AS n FROM events')!.n);
  }

  /** Events active in [from, to). */
  activeBetween(from: string, to: string): EventRow[] {
    return this.db.all(
      `SELECT ${eventColumns} FROM events WHERE last_seen >= ? AND first_seen < ? ORDER BY first_seen`,
      from,
      to,
    ) as EventRow[];
  }

  /** Attaches a post (or our draft) to an event and widens the event's time span to it. */
  link(
    eventId: number,
    messageId: string,
    role: 'report' | 'reply' | 'draft',
    at: string,
    finding: unknown = null,
  ): void {
    this.db.run(
      'INSERT INTO event_posts (event_id, message_id, role, at, finding_json) VALUES (?, ?, ?, ?, ?) ' +
        'ON CONFLICT DO NOTHING',
      eventId,
      messageId,
      role,
      at,
      finding === null ? null : JSON.stringify(finding),
    );
    this.db.run(
      `UPDATE events SET first_seen = CASE WHEN first_seen <= ? THEN first_seen ELSE ? END,
        last_seen = CASE WHEN last_seen >= ? THEN last_seen ELSE ? END WHERE id = ?`,
      at,
      at,
      at,
      at,
      eventId,
    );
  }

  setVerdict(id: number, verdict: Verdict): void {
    this.db.run('UPDATE events SET last_verdict = ? WHERE id = ?', verdict, id);
  }

  /** Events that any of these messages belongs to. */
  byMessages(messageIds: string[]): EventRow[] {
    if (!messageIds.length) return [];
    const ids = new Set<number>();
    for (const m of messageIds)
      for (const r of this.db.all<{ id: number }>(
        'SELECT DISTINCT event_id AS id FROM event_posts WHERE message_id = ?',
        m,
      ))
        ids.add(r.id);
    return [...ids].map((id) => this.get(id)!).filter(Boolean);
  }

  posts(eventId: number): Array<{ messageId: string; role: string; at: string; finding: unknown }> {
    return (
      this.db.all(
        'SELECT message_id AS "messageId", role, at, finding_json AS f FROM event_posts WHERE event_id = ? ORDER BY at',
        eventId,
      ) as Array<{
        messageId: string;
        role: string;
        at: string;
        f: string | null;
      }>
    ).map(({ f, ...r }) => ({ ...r, finding: f ? JSON.parse(f) : null }));
  }

  /** Records a sighting once per event and message; false when it was there already. */
  addSighting(s: SightingRow): boolean {
    const r = this.db.run(
      `INSERT INTO sightings (event_id, message_id, verdict, sender, org, counted, why, counts_json, log_lines, at, tlp)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
      s.eventId,
      s.messageId,
      s.verdict,
      s.sender,
      s.org,
      s.counted ? 1 : 0,
      s.why,
      s.counts ? JSON.stringify(s.counts) : null,
      s.logLines,
      s.at,
      s.tlp,
    );
    return r.changes > 0;
  }

  sightings(eventId: number): SightingRow[] {
    return (
      this.db.all(
        `SELECT event_id AS "eventId", message_id AS "messageId", verdict, sender, org, counted, why, counts_json AS c,
           log_lines AS "logLines", at, tlp
         FROM sightings WHERE event_id = ? ORDER BY at, id`,
        eventId,
      ) as Array<Omit<SightingRow, 'counts' | 'counted'> & { c: string | null; counted: number }>
    ).map(({ c, counted, ...r }) => ({
      ...r,
      counted: counted === 1,
      counts: c ? JSON.parse(c) : null,
    }));
  }

  /**
   * Claims what a message made due on an event (a follow-up or a revision), once per event and
   * trigger; false when it was claimed before. `at` is the time of the evidence that made it due.
   */
  claimUpdate(eventId: number, trigger: string, at: string, data: unknown): boolean {
    return (
      this.db.run(
        'INSERT INTO event_followups (event_id, trigger, at, data) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING',
        eventId,
        trigger,
        at,
        JSON.stringify(data),
      ).changes > 0
    );
  }

  /** Claims not done yet, oldest first. */
  pendingUpdates(): PendingUpdate[] {
    return (
      this.db.all(
        `SELECT event_id AS "eventId", trigger, at, data FROM event_followups WHERE done_at IS NULL
           ORDER BY at, event_id, trigger`,
      ) as Array<Omit<PendingUpdate, 'data'> & { data: string | null }>
    ).map((r) => ({ ...r, eventId: Number(r.eventId), data: r.data ? JSON.parse(r.data) : {} }));
  }

  isPending(eventId: number, trigger: string): boolean {
    return (
      this.db.get(
        'SELECT 1 FROM event_followups WHERE event_id = ? AND trigger = ? AND done_at IS NULL',
        eventId,
        trigger,
      ) !== undefined
    );
  }

  /** Marks a claim done, with the draft it made or revised; false when another instance did it first. */
  finishUpdate(eventId: number, trigger: string, draftId: number | null): boolean {
    return (
      this.db.run(
        'UPDATE event_followups SET draft_id = ?, done_at = ? WHERE event_id = ? AND trigger = ? AND done_at IS NULL',
        draftId,
        new Date().toISOString(),
        eventId,
        trigger,
      ).changes > 0
    );
  }

  /** When the evidence of a draft's latest revision was taken; null when it was never revised. */
  revisedAt(draftId: number): string | null {
    const row = this.db.get<{ at: string | null }>(
      `SELECT max(at) AS at FROM event_followups
         WHERE draft_id = ? AND trigger LIKE 'revise:%' AND done_at IS NOT NULL`,
      draftId,
    );
    return row?.at ?? null;
  }
}

export interface PendingUpdate {
  eventId: number;
  trigger: string;
  at: string;
  data: Record<string, unknown>;
}

/** Runs of periodic jobs: the row is the claim, so two instances on one store never both run a period. */
export class JobStore {
  constructor(private readonly db: Db) {}

  /**
   * Claims a period for this instance. A claim that never finished (its instance died mid-run)
   * may be taken over after `staleMs`.
   */
  claim(job: string, period: string, instance: string, staleMs = HOUR_MS): boolean {
    const now = new Date();
    return this.db.transaction(() => {
      if (
        this.db.run(
          'INSERT INTO job_runs (job, period, instance, started_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING',
          job,
          period,
          instance,
          now.toISOString(),
        ).changes > 0
      ) {
        return true;
      }
      const stale = new Date(now.getTime() - staleMs).toISOString();
      return (
        this.db.run(
          'UPDATE job_runs SET instance = ?, started_at = ? ' +
            'WHERE job = ? AND period = ? AND draft_id IS NULL AND started_at <= ?',
          instance,
          now.toISOString(),
          job,
          period,
          stale,
        ).changes > 0
      );
    });
  }

  release(job: string, period: string): void {
    this.db.run('DELETE FROM job_runs WHERE job = ? AND period = ?', job, period);
  }

  done(job: string, period: string, draftId: number | null): void {
    this.db.run('UPDATE job_runs SET draft_id = ? WHERE job = ? AND period = ?', draftId, job, period);
  }

  has(job: string, period: string): boolean {
    return this.db.get('SELECT 1 FROM job_runs WHERE job = ? AND period = ?', job, period) !== undefined;
  }
}
