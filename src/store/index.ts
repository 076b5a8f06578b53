import { openDb, type Db } from './db.ts';
import { CounterStore } from './counters.ts';
import { DraftStore } from './drafts.ts';
import { MessageStore } from './messages.ts';
import { CheckpointStore } from './checkpoints.ts';
import { OutboxStore } from './outbox.ts';
import { EventStore, JobStore } from './events.ts';
import { PlaceholderStore } from './placeholders.ts';

export { isPostgresUrl } from './sql.ts';
export type { Page } from './sql.ts';
export type {
  CounterReader,
  HourlyBatch,
  PortSeries,
  HourCount,
  NewRecentEvent,
  RecentEvent,
  RollupCodec,
  RollupKey,
  RollupRow,
} from './counters.ts';
export type { StoredDraft, AuditEntry, NewDraft, Refusal, Revision, DraftRevision } from './drafts.ts';
export type { PendingUpdate } from './events.ts';
export type { MessageRecord, MessageStatus } from './messages.ts';
export type { Checkpoint } from './checkpoints.ts';
export type { OutboxItem, NewOutboxItem } from './outbox.ts';

/** The store, SQLite or PostgreSQL, one object per kind of record. */
export class Store {
  readonly counters: CounterStore;
  readonly messages: MessageStore;
  readonly drafts: DraftStore;
  readonly outbox: OutboxStore;
  readonly checkpoints: CheckpointStore;
  readonly events: EventStore;
  readonly jobs: JobStore;
  readonly placeholders: PlaceholderStore;
  private constructor(private readonly db: Db) {
    this.counters = new CounterStore(db);
    this.messages = new MessageStore(db);
    this.outbox = new OutboxStore(db);
    this.drafts = new DraftStore(db);
    this.checkpoints = new CheckpointStore(db);
    this.events = new EventStore(db);
    this.jobs = new JobStore(db);
    this.placeholders = new PlaceholderStore(db);
  }

  /** Opens the store at `location`: a SQLite file (or `:memory:`), or a `postgres://` URL. */
  static open(location: string): Store {
    return new Store(openDb(location));
  }

  /** Runs `fn` in one transaction: what a message produced is stored whole or not at all. */
  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn);
  }

  /**
   * Within a transaction, holds the named lock until it ends, across every instance on this
   * store: PostgreSQL deployments run several bots on one database.
   */
  lock(name: string): void {
    this.db.lock(name);
  }

  close(): void {
    this.db.close();
  }
}
