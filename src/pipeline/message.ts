import type { Context } from '../context.ts';
import type {
  Decision,
  DecisionStep,
  EventRow,
  Finding,
  Outcome,
  Post,
  Report,
  SightingRow,
  StepName,
} from '../model.ts';
import type { RawMessage } from '../mail/sources.ts';
import type { OutboundGate } from '../outbound/gate.ts';
import type { MessageRecord, MessageStatus } from '../store/index.ts';
import type { PreparedDraft } from './drafts.ts';

export interface RunSummary {
  seen: number;
  outcomes: Record<Outcome, number>;
  drafts: Array<{ id: number; subject: string; path: string | null; held?: string }>;
  /** Unsent drafts written again from newer evidence. */
  revised: Array<{ id: number; revision: number; subject: string; path: string | null }>;
  /** Private alerts stored: posts that named our own networks. */
  alerts: Array<{ id: number; to: string }>;
  sightings: number;
}

export function emptySummary(): RunSummary {
  return {
    seen: 0,
    outcomes: {
      drafted: 0,
      held: 0,
      'no-claims': 0,
      answered: 0,
      'no-data': 0,
      automatic: 0,
      'not-list': 0,
      review: 0,
      sighting: 0,
      duplicate: 0,
      quarantined: 0,
    },
    drafts: [],
    revised: [],
    alerts: [],
    sightings: 0,
  };
}

/** The Decision a message builds up as it passes the steps. */
export class DecisionLog {
  readonly steps: DecisionStep[] = [];
  readonly drafts: number[] = [];

  pass(step: StepName, code: string, text: string, data?: Record<string, unknown>): void {
    this.steps.push({ step, result: 'pass', code, text, ...(data ? { data } : {}) });
  }

  note(step: StepName, code: string, text: string, data?: Record<string, unknown>): void {
    this.steps.push({ step, result: 'note', code, text, ...(data ? { data } : {}) });
  }

  stop(step: StepName, code: string, text: string, data?: Record<string, unknown>): void {
    this.steps.push({ step, result: 'stop', code, text, ...(data ? { data } : {}) });
  }

  finish(outcome: Outcome, summary: string): Decision {
    return { outcome, summary, steps: [...this.steps], drafts: [...this.drafts] };
  }
}

/**
 * One message on its way through the steps: what each step found, for the next steps and for
 * the commit that stores it all at once.
 */
export interface MessageState {
  readonly message: RawMessage;
  readonly decision: DecisionLog;
  readonly summary: RunSummary;
  post: Post | null;
  report: Report | null;
  findings: Finding[] | null;
  /** Events of the thread a reply belongs to: it is a member's word on them. */
  parents: EventRow[];
  sightings: SightingRow[];
  /** Why a public draft of this post must wait for a person (it names our own networks). */
  hold: string | null;
  alert: PreparedDraft | null;
  reply: PreparedDraft | null;
  gate: OutboundGate | null;
  /** What the commit stores: a skipped message keeps only its record. */
  status: MessageStatus;
  /** The message's line in `messages.reason`. */
  reason: string;
  /**
   * The Message-ID once the message is known to be new: from then on a commit checks that no other
   * instance stored it meanwhile.
   */
  claimed: string | null;
  /** Set by a step that stored the message itself (a moderator's decision). */
  committed: boolean;
}

/** The message's record in the store, with its Decision so far. */
export function recordOf(s: MessageState, outcome: Outcome): MessageRecord {
  const post = s.post!;
  const status = s.status;
  return {
    messageId: post.messageId,
    origin: s.message.origin,
    subject: post.subject,
    fromAddr: post.from?.address ?? null,
    listId: post.listId,
    sentAt: post.date,
    status,
    reason: s.reason,
    report: status === 'processed' ? s.report : null,
    findings: status === 'processed' ? s.findings : null,
    decision: s.decision.finish(outcome, s.reason),
    header:
      status === 'processed'
        ? {
            messageId: post.messageId,
            inReplyTo: post.inReplyTo,
            references: post.references,
            listId: post.listId,
            from: post.from,
            date: post.date,
            subject: post.subject,
          }
        : null,
    text: status === 'processed' ? post.text : null,
  };
}

/**
 * A step: looks at the message, adds to its Decision, and either lets it go on (undefined) or
 * says where it ends (an Outcome). The runner commits what the steps found; only a step that must
 * answer at once (a moderator's decision) stores through the `commit` the runner lends it.
 */
export type Step = (
  s: MessageState,
  ctx: Context,
  tools: StepTools,
) => Promise<Outcome | undefined> | Outcome | undefined;

/** What the runner lends a step that must store something of its own before the end. */
export interface StepTools {
  /** Runs `fn` in the message's transaction, with the checkpoint; the message then counts as stored. */
  commit<T>(fn: () => T): T;
}
