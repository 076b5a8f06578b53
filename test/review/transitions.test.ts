import { describe, expect, it } from 'vitest';
import type { DraftKind, Tlp } from '../../src/model.ts';
import { decide, type ReviewAction } from '../../src/review/transitions.ts';
import { Store, type NewDraft } from '../../src/store/index.ts';
import { scratch } from '../helpers/cli.ts';
import { openTestStore, storeAt, testPg } from '../helpers/store.ts';

const draft = (n: number, over: Partial<NewDraft> = {}): NewDraft => ({
  messageId: `<d${n}@isp.example>`,
  envelopeFrom: 'kansoku@isp.example',
  sourceMessageId: `<r${n}@reporter.example>`,
  kind: 'reply' as DraftKind,
  subject: 'Re: tcp/5000',
  to: 'nsp@example.net',
  tlp: 'GREEN' as Tlp,
  text: 'x',
  eml: Buffer.from('x'),
  emlPath: null,
  reviewToken: null,
  ...over,
});

/** Applies `actions` to a new draft in turn; the last one's outcome, or the error it raised. */
function after(actions: ReviewAction[], over: Partial<NewDraft> = {}): string {
  const s = openTestStore();
  const id = s.drafts.add(draft(1, over), 'kansoku');
  try {
    let status = '';
    for (const a of actions) status = decide(s, id, a, 'alice', null).status;
    return status;
  } catch (err) {
    return (err as Error).message;
  } finally {
    s.close();
  }
}

describe('review transitions', () => {
  it('lets a reviewer approve, reject and release only from the statuses that allow it', () => {
    expect(after(['approve'])).toBe('approved');
    expect(after(['reject'])).toBe('rejected');
    expect(after(['approve', 'reject'])).toBe('rejected');
    expect(after(['reject', 'approve'])).toBe('approved');
    expect(after(['approve', 'approve'])).toBe(
      'draft is not in a state that allows this: #1 is approved; approve needs draft or rejected',
    );
    expect(after(['release'])).toBe('draft is not in a state that allows this: #1 is draft; release needs held');
    expect(after(['release'], { heldReason: 'own network named' })).toBe('draft');
    expect(after(['reject'], { heldReason: 'own network named' })).toBe('rejected');
  });

  it('lifts a hold by a release only', () => {
    const held = { heldReason: 'own network named' };
    expect(after(['approve'], held)).toBe(
      'draft is not in a state that allows this: #1 is held; approve needs draft or rejected',
    );
    expect(after(['reject', 'approve'], held)).toBe(
      'draft is not in a state that allows this: #1 is held (own network named); release it first',
    );
    expect(after(['release', 'approve'], held)).toBe('approved');
  });

  it('never approves TLP:RED for a list, but lets a private alert go', () => {
    expect(after(['approve'], { tlp: 'RED' })).toBe('TLP:RED material is never sent to a list: #1');
    expect(after(['approve'], { tlp: 'RED', kind: 'alert' })).toBe('approved');
  });

  it('records each decision in the audit trail and the send intent in the outbox', () => {
    const s = openTestStore();
    const id = s.drafts.add(draft(1), 'kansoku');
    decide(s, id, 'approve', 'alice', 'looks right', '2099-01-01T00:00:00.000Z');
    expect(s.outbox.pending().map((o) => [o.draftId, o.notBefore])).toEqual([[id, '2099-01-01T00:00:00.000Z']]);
    decide(s, id, 'reject', 'bob', 'wrong port');
    expect(s.outbox.pending()).toEqual([]);
    expect(s.drafts.history(id).map((h) => [h.action, h.actor, h.note])).toEqual([
      ['create', 'kansoku', null],
      ['approve', 'alice', 'looks right'],
      ['reject', 'bob', 'wrong port'],
    ]);
    s.close();
  });

  it('moves a draft only from the status and revision it was read in', () => {
    const s = openTestStore();
    const id = s.drafts.add(draft(1), 'kansoku');
    const entry = { action: 'approve', actor: 'alice', note: null };
    expect(
      s.drafts.transition(id, { status: 'held', revision: 1 }, 'draft', { ...entry, action: 'release' }),
    ).toBeNull();
    expect(s.drafts.transition(id, { status: 'draft', revision: 2 }, 'approved', entry)).toBeNull();
    expect(s.drafts.transition(id, { status: 'draft', revision: 1 }, 'approved', entry)?.status).toBe('approved');
    expect(s.drafts.history(id).map((h) => h.action)).toEqual(['create', 'approve']);
    s.close();
  });

  it('approves only the revision the person read', () => {
    const s = openTestStore();
    const id = s.drafts.add(draft(1), 'kansoku');
    const seen = s.drafts.get(id);
    const next = {
      subject: seen.subject,
      tlp: seen.tlp,
      text: 'new words',
      eml: seen.eml,
      emlPath: null,
      reviewToken: null,
    };
    expect(s.drafts.revise(id, seen, next, { actor: 'kansoku', note: 'revision 2' })?.revision).toBe(2);
    // The same revision cannot be revised twice from one read.
    expect(s.drafts.revise(id, seen, next, { actor: 'kansoku', note: 'again' })).toBeNull();
    expect(() => decide(s, id, 'approve', 'alice', null, null, 1)).toThrow(/revision 2, not 1/);
    expect(s.drafts.get(id).status).toBe('draft');
    expect(decide(s, id, 'approve', 'alice', null, null, 2).status).toBe('approved');
    expect(s.drafts.revisions(id)).toEqual([expect.objectContaining({ revision: 1, text: seen.text })]);
    s.close();
  });

  // SQLite serves one process per file; two instances share a store on PostgreSQL only.
  it.skipIf(!testPg)('judges again when another instance decided between the read and the update', () => {
    const at = storeAt(scratch());
    const a = Store.open(at);
    const b = Store.open(at);
    const id = a.drafts.add(draft(1), 'kansoku');
    let raced = false;
    const drafts = Object.create(a.drafts) as Store['drafts'];
    drafts.get = (n: number) => {
      const d = a.drafts.get(n);
      if (!raced) {
        raced = true;
        decide(b, id, 'approve', 'bob', null);
      }
      return d;
    };
    expect(() =>
      decide({ transaction: (fn) => a.transaction(fn), drafts, outbox: a.outbox }, id, 'approve', 'alice', null),
    ).toThrow('draft is not in a state that allows this: #1 is approved; approve needs draft or rejected');
    expect(a.outbox.pending()).toHaveLength(1);
    expect(a.drafts.history(id).map((h) => [h.action, h.actor])).toEqual([
      ['create', 'kansoku'],
      ['approve', 'bob'],
    ]);
    a.close();
    b.close();
  });
});
