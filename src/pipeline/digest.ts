import { hostname } from 'node:os';
import { digestData } from '../digest/data.ts';
import { digest as digestKind, renderDigest, type Digest } from '../draft/digest.ts';
import { dueWeek } from '../digest/schedule.ts';
import { parseWeek, type Week } from '../digest/week.ts';
import { gateOf, insertDraft, isAutomatic, outgoing, prepareDraft } from './drafts.ts';
import type { Context } from '../context.ts';

/** A digest's or an overview's HTML part and inline charts, as the outbound gate takes them. */
export function parts(d: Digest) {
  return {
    html: d.html,
    attachments: d.charts.map((c) => ({ filename: c.name, content: c.png, contentType: 'image/png', cid: c.cid })),
  };
}

/**
 * Builds a rendered periodic message through the outbound gate, without storing anything: the
 * message as it would go out, and why the gate would refuse it, if it would.
 */
export async function buildPeriodic(p: Context, d: Digest): Promise<Digest & { eml: Buffer; problems: string[] }> {
  const built = await gateOf(p).build({ ...outgoing(d.draft, p, isAutomatic(d.draft, p)), ...parts(d) });
  return {
    ...d,
    draft: { ...d.draft, subject: built.subject, text: built.text },
    eml: built.raw,
    problems: built.problems,
  };
}

/** The digest of a week as it would go out (buildPeriodic). */
export async function buildDigest(p: Context, week: Week): Promise<Digest & { eml: Buffer; problems: string[] }> {
  return buildPeriodic(p, await renderDigest({ data: digestData(p.store, week, p.config), config: p.config }));
}

/** Stores the digest of a week as a draft (once per week); it then goes to review like any draft. */
export async function digestDraft(p: Context, week: Week): Promise<{ id: number; created: boolean }> {
  const key = `digest:${week.id}`;
  const existing = p.store.drafts.list().find((d) => d.kind === 'digest' && d.sourceMessageId === key);
  if (existing) return { id: existing.id, created: false };
  const input = { data: digestData(p.store, week, p.config), config: p.config };
  const digest = await renderDigest(input);
  if (!digest.draft.to) throw new Error('no list is configured to send the digest to');
  const prepared = await prepareDraft(p, digest.draft, digestKind.fileName!(input, digest), parts(digest));
  return { id: p.store.transaction(() => insertDraft(p, prepared)), created: true };
}

/**
 * A job that drafts one message per period (the weekly digest, the daily overview) when one is
 * due. The claim in the store is what makes it run once: two instances on one store race for it
 * and one wins; a bot that was down runs it when it is back.
 */
export abstract class PeriodicDraft {
  constructor(
    protected readonly p: Context,
    protected readonly clock: () => Date = () => new Date(),
    private readonly instance = `${hostname()}:${process.pid}`,
  ) {}

  protected abstract readonly job: string;
  /** The period due now; null when the job is off or has nowhere to go. */
  protected abstract due(now: Date): string | null;
  protected abstract draft(period: string): Promise<{ id: number; created: boolean }>;

  async tick(): Promise<number | null> {
    const { store, log } = this.p;
    const period = this.due(this.clock());
    if (period === null || !store.jobs.claim(this.job, period, this.instance)) return null;
    try {
      const { id } = await this.draft(period);
      store.jobs.done(this.job, period, id);
      log.info({ job: this.job, period, draft: id }, `${this.job} drafted`);
      return id;
    } catch (err) {
      store.jobs.release(this.job, period);
      log.error({ job: this.job, period, err: (err as Error).message }, `${this.job} failed; will retry`);
      throw err;
    }
  }
}

/** The weekly digest, on digest.schedule. */
export class DigestScheduler extends PeriodicDraft {
  protected readonly job = 'digest';

  protected due(now: Date): string | null {
    const { config } = this.p;
    if (!config.digest.enabled || !config.lists.length) return null;
    return dueWeek(now, config.digest.schedule, config.digest.timezone).week.id;
  }

  protected draft(period: string) {
    return digestDraft(this.p, parseWeek(period, this.p.config.digest.timezone));
  }
}
