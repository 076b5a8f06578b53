import { readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import { contextFor } from '../../src/app.ts';
import { validateConfig } from '../../src/config/load.ts';
import { createLogger } from '../../src/log.ts';
import { emptySummary, processMessage, processSources } from '../../src/pipeline/process.ts';
import { decide } from '../../src/review/transitions.ts';
import type { Store } from '../../src/store/index.ts';
import { scratch } from '../helpers/cli.ts';
import { beforeAndAfterRise, listMail } from '../helpers/post.ts';
import { risingSensor } from '../helpers/sensor.ts';

const base = {
  identity: { from: 'Bot <bot@isp.example>' },
  lists: [{ name: 'nsp', listId: 'nsp.example.net', address: 'nsp@example.net' }],
};
const log = createLogger('silent');
const { early, later } = beforeAndAfterRise('tcp/5000 sharply up now.');

function setup(over: Record<string, unknown> = {}) {
  const config = validateConfig({ ...base, draft: { outbox: scratch() }, ...over });
  return { config, ctx: (store: Store) => contextFor(config, store, { log }) };
}

async function run(ctx: ReturnType<typeof contextFor>, ...messages: Buffer[]) {
  const summary = emptySummary();
  for (const m of messages) await processMessage({ origin: 'test', raw: m }, ctx, summary);
  return summary;
}

/** Our reply to the early report, approved and gone out. */
async function sentReply(store: Store, c: ReturnType<typeof contextFor>) {
  await run(c, early);
  const r = reply(store);
  decide(store, r.id, 'approve', 'alice', null);
  markSent(store, r.id);
  return r;
}

/** Sends an approved draft as the dispatcher would, without a mail server. */
function markSent(store: Store, id: number) {
  const row = store.outbox.pending().find((r) => r.draftId === id && r.kind === 'draft')!;
  store.outbox.sent(row.id, 'smtp');
}

/** A member's post on the tcp/5000 event, at `date`. */
const memberPost = (n: number, date: string) =>
  listMail(
    { From: `m${n}@other.example`, Subject: '[nsp] tcp/5000 is up', 'Message-ID': `<m${n}@x.example>`, Date: date },
    'tcp/5000 up here too.',
  );

const reply = (store: Store) => store.drafts.list().find((d) => d.kind === 'reply')!;
const followups = (store: Store) => store.drafts.list().filter((d) => d.kind === 'followup');

describe('what later evidence does to our word on an event', () => {
  it('never lets send.autoSend approve a reply a person once rejected, however often it is revised', async () => {
    const store = await risingSensor();
    const { ctx } = setup({ send: { autoSend: ['reply'] } });
    const c = ctx(store);
    await run(c, early);
    // send.autoSend approved it; a person took it back. The verdict flips: it comes back for a person.
    decide(store, reply(store).id, 'reject', 'alice', 'not worth a post');
    await run(c, later);
    expect(reply(store)).toMatchObject({ status: 'draft', revision: 2 });
    expect(store.outbox.hasIntent(reply(store).id)).toBe(false);
    // Newer counters, same verdict, hours later: revision 3, still for a person.
    await run(c, memberPost(9, 'Sat, 21 Nov 2026 02:00:00 +0900'));
    expect(reply(store)).toMatchObject({ status: 'draft', revision: 3 });
    expect(store.outbox.hasIntent(reply(store).id)).toBe(false);
  });

  it('never writes a draft backwards from a post dated before the evidence it was written from', async () => {
    const store = await risingSensor();
    const { ctx } = setup();
    await run(ctx(store), later, early);
    expect(reply(store).revision).toBe(1);
    expect(reply(store).text).toContain('当方でも同様の増加を観測しています。');
    expect(store.events.list()[0]!.lastVerdict).toBe('elevated');
  });

  it('leaves a decision made after the claim alone when the claim was only newer counters', async () => {
    const store = await risingSensor();
    const { ctx } = setup();
    await run(ctx(store), memberPost(1, 'Fri, 20 Nov 2026 12:00:00 +0900'));
    // The process dies after the second post's commit; a person rejects the draft meanwhile.
    const revise = vi.spyOn(store.drafts, 'revise').mockImplementation(() => {
      throw new Error('killed');
    });
    await run(ctx(store), memberPost(2, 'Fri, 20 Nov 2026 14:10:00 +0900'));
    revise.mockRestore();
    decide(store, reply(store).id, 'reject', 'alice', null);
    await processSources([], ctx(store));
    expect(reply(store)).toMatchObject({ status: 'rejected', revision: 1 });
    expect(store.events.pendingUpdates()).toHaveLength(0);
  });

  it('rewrites our unsent reply when the verdict flips, not following up on a draft nobody sent', async () => {
    const store = await risingSensor();
    const { ctx } = setup();
    await run(ctx(store), early);
    const first = reply(store);
    expect(first.text).toContain('平常');
    const summary = await run(ctx(store), later);

    expect(followups(store)).toHaveLength(0);
    const now = reply(store);
    expect(now.id).toBe(first.id);
    expect(now.messageId).toBe(first.messageId);
    expect(now.revision).toBe(2);
    expect(now.text).toContain('当方でも同様の増加を観測しています。');
    expect(summary.revised).toEqual([expect.objectContaining({ id: first.id, revision: 2 })]);
    // What it said before stays, and the trail says why and what changed.
    expect(store.drafts.revisions(first.id)).toEqual([expect.objectContaining({ revision: 1, text: first.text })]);
    const entry = store.drafts.history(first.id).find((h) => h.action === 'revise')!;
    expect(entry.note).toMatch(/^revision 2 after <later@other\.example> \(verdict normal -> elevated\)/);
    expect(entry.note).toMatch(/^\+.*当方でも同様の増加を観測しています/m);
    expect(entry.note).toMatch(/^-.*顕著な増加は観測されていません/m);
    // The file a person reviews is the new revision.
    expect(readFileSync(now.emlPath!).equals(now.eml)).toBe(true);
  });

  it('takes back an approval not yet sent when it writes the draft again', async () => {
    const store = await risingSensor();
    const { ctx } = setup();
    await run(ctx(store), early);
    decide(store, reply(store).id, 'approve', 'alice', null);
    expect(store.outbox.hasIntent(reply(store).id)).toBe(true);
    await run(ctx(store), later);
    expect(reply(store)).toMatchObject({ status: 'draft', revision: 2 });
    expect(store.outbox.hasIntent(reply(store).id)).toBe(false);
  });

  it('follows up in the thread once our reply has gone out, naming only what went out', async () => {
    const store = await risingSensor();
    const { ctx } = setup();
    const r = await sentReply(store, ctx(store));
    await run(ctx(store), later);
    expect(reply(store).revision).toBe(1);
    const [f] = followups(store);
    expect(f!.text).toContain('「平常範囲内」から「増加を確認」に変わりました');
    const eml = f!.eml.toString('latin1').replace(/\r?\n[ \t]+/g, ' ');
    expect(eml).toMatch(/^In-Reply-To: <early@reporter\.example>/m);
    expect(eml).toMatch(
      new RegExp(`^References: <early@reporter\\.example> ${r.messageId.replace(/\./g, '\\.')}`, 'm'),
    );
  });

  it('does not follow up on a draft that was approved and never sent', async () => {
    const store = await risingSensor();
    const { ctx } = setup();
    await run(ctx(store), early);
    const r = reply(store);
    decide(store, r.id, 'approve', 'alice', null);
    await run(ctx(store), later);
    expect(followups(store)).toHaveLength(0);
  });

  it('keeps a verdict change the process died before acting on, and acts on it at the next run', async () => {
    const store = await risingSensor();
    const { ctx } = setup();
    await sentReply(store, ctx(store));
    // The message commits (our verdict moves on the event); the follow-up after it fails.
    const add = vi.spyOn(store.drafts, 'add').mockImplementationOnce(() => {
      throw new Error('killed');
    });
    await run(ctx(store), later);
    add.mockRestore();
    expect(store.messages.has('<later@other.example>')).toBe(true);
    expect(followups(store)).toHaveLength(0);
    expect(store.events.pendingUpdates()).toHaveLength(1);

    const summary = await processSources([], ctx(store));
    expect(followups(store)).toHaveLength(1);
    expect(summary.drafts).toHaveLength(1);
    expect(store.events.pendingUpdates()).toHaveLength(0);
    // Done once: another run finds nothing left.
    await processSources([], ctx(store));
    expect(followups(store)).toHaveLength(1);
  });

  it('writes a waiting draft again from newer counters only after draft.reviseAfterMinutes', async () => {
    const store = await risingSensor();
    const { ctx } = setup();
    await run(
      ctx(store),
      memberPost(1, 'Fri, 20 Nov 2026 12:00:00 +0900'),
      memberPost(2, 'Fri, 20 Nov 2026 12:30:00 +0900'),
    );
    expect(reply(store).revision).toBe(1);
    await run(ctx(store), memberPost(3, 'Fri, 20 Nov 2026 14:10:00 +0900'));
    expect(reply(store).revision).toBe(2);
    expect(store.drafts.history(reply(store).id).at(-1)!.note).toMatch(/\(newer counters\)/);
  });
});
