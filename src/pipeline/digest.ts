import { hostname } from 'node:os';
import { digestData } from '../digest/data.ts';
import { digest as digestKind, renderDigest, type Digest } from '../draft/digest.ts';
import { dueWeek } from '../digest/schedule.ts';
import type { Week } from '../digest/week.ts';
import { gateOf, insertDraft, isAutomatic, outgoing, prepareDraft } from './drafts.ts';
import type { Context } from '../context.ts';

function parts(d: Digest) {
  return {
    html: d.html,
    attachments: d.charts.map((c) => ({ filename: c.name, content: c.png, contentType: 'image/png', cid: c.cid })),
  };
}

/**
 * Renders the digest of a week from the store and builds it through the outbound gate, without
 * storing anything: the message as it would go out, and why the gate would refuse it, if it would.
 */
export async function buildDigest(p: Context, week: Week): Promise<Digest & { eml: Buffer; problems: string[] }> {
  const d = await renderDigest({ data: digestData(p.store, week, p.config), config: p.config });
  const built = await gateOf(p).build({
    ...outgoing(d.draft, p, isAutomatic(d.draft, p)),
    ...parts(d),
  });
  return {
    ...d,
    draft: { ...d.draft, subject: built.subject, text: built.text },
    eml: built.raw,
    problems: built.problems,
  };
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
 * Runs the weekly digest when one is due. The claim in the store is what makes it run once: two
 * instances on one store race for it and one wins; a bot that was down runs it when it is back.
 */
export class DigestScheduler {
  constructor(
    private readonly p: Context,
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
