import { hostname } from 'node:os';
import { digestData } from '../digest/data.ts';
import { renderDigest, type Digest } from '../digest/render.ts';
import { dueWeek } from '../digest/schedule.ts';
import type { Week } from '../digest/week.ts';
import { prepareDraft, insertDraft, type Pipeline } from './process.ts';

/** Renders the digest of a week from the store, without storing anything. */
export async function buildDigest(p: Pipeline, week: Week): Promise<Digest> {
  const data = digestData(p.store, week, p.config);
  const tlps = data.events.map((e) => p.store.messages.report(p.store.events.get(e.id)!.firstMessage)?.tlp ?? null);
  return renderDigest(data, p.config, tlps);
}

/** Stores the digest of a week as a draft (once per week); it then goes to review like any draft. */
export async function digestDraft(p: Pipeline, week: Week): Promise<{ id: number; created: boolean }> {
  const key = `digest:${week.id}`;
  const existing = p.store.drafts.list().find((d) => d.kind === 'digest' && d.sourceMessageId === key);
  if (existing) return { id: existing.id, created: false };
  const digest = await buildDigest(p, week);
  if (!digest.draft.to) throw new Error('no list is configured to send the digest to');
  const prepared = await prepareDraft(p, digest.draft, digest.eml, `digest-${week.id}.eml`);
  return { id: p.store.transaction(() => insertDraft(p, prepared)), created: true };
}

/**
 * Runs the weekly digest when one is due. The claim in the store is what makes it run once: two
 * instances on one store race for it and one wins; a bot that was down runs it when it is back.
 */
export class DigestScheduler {
  constructor(
    private readonly p: Pipeline,
    private readonly clock: () => Date = () => new Date(),
    private readonly instance = `${hostname()}:${process.pid}`,
  ) {}

  async tick(): Promise<number | null> {
    const { config, store, log } = this.p;
    if (!config.digest.enabled || !config.lists.length) return null;
    const { week } = dueWeek(this.clock(), config.digest.schedule, config.digest.timezone);
    if (!store.jobs.claim('digest', week.id, this.instance)) return null;
    try {
      const { id } = await digestDraft(this.p, week);
      store.jobs.done('digest', week.id, id);
      log.info({ week: week.id, draft: id }, 'weekly digest drafted');
      return id;
    } catch (err) {
      store.jobs.release('digest', week.id);
      log.error({ week: week.id, err: (err as Error).message }, 'weekly digest failed; will retry');
      throw err;
    }
  }
}
