import { describe, expect, it } from 'vitest';
import { splitParts } from '../../src/draft/render.ts';
import { editDraft } from '../../src/pipeline/edit.ts';
import { decide } from '../../src/review/transitions.ts';
import { demoStore } from '../helpers/demo.ts';

/** The demo's reply on tcp/5000, and its two parts as the person reads them. */
async function reply() {
  const demo = await demoStore();
  const d = demo.store.drafts.list().find((x) => x.kind === 'reply' && x.subject.includes('tcp/5000'))!;
  const p = { ...demo.p, actor: 'alice' };
  return { ...demo, p, d, parts: splitParts(d.text)! };
}

describe('editing a draft', () => {
  it('stores the edit as the next revision, through the gate, with the diff and who in the audit trail', async () => {
    const { store, p, d, parts } = await reply();
    const ja = parts.ja.replace('観測しています。', '観測しています。当方では23時台から増えています。');
    const out = await editDraft(p, d.id, { revision: 1, ja, en: parts.en, note: 'onset' });
    expect(out.status).toBe('revised');
    const now = store.drafts.get(d.id);
    expect(now).toMatchObject({ revision: 2, status: 'draft', messageId: d.messageId });
    expect(now.text).toContain('当方では23時台から増えています。');
    // The message itself carries the new words, not only the store's text.
    expect(now.eml.toString('utf8')).not.toBe(d.eml.toString('utf8'));
    const last = store.drafts.history(d.id).at(-1)!;
    expect(last).toMatchObject({ action: 'revise', actor: 'alice' });
    expect(last.note).toMatch(/^revision 2 edited: onset\n/);
    expect(last.note).toContain(
      '+佐藤 一郎さんご報告の5000/tcpの件、当方でも同様の増加を観測しています。当方では23時台',
    );
    expect(store.drafts.revisions(d.id)[0]).toMatchObject({ revision: 1, text: d.text });
  });

  it("reads a browser's CRLF lines as the draft's own: the diff is of what changed; no change is none", async () => {
    const { store, p, d, parts } = await reply();
    const crlf = (t: string) => t.replace(/\n/g, '\r\n');
    const same = await editDraft(p, d.id, { ja: crlf(parts.ja), en: crlf(parts.en), revision: 1, note: null });
    expect(same.status).toBe('unchanged');
    const out = await editDraft(p, d.id, {
      ja: crlf(parts.ja),
      en: crlf(`${parts.en}\nThanks.`),
      revision: 1,
      note: null,
    });
    expect(out.status).toBe('revised');
    expect(store.drafts.get(d.id).text).not.toContain('\r');
    const diff = store.drafts
      .history(d.id)
      .at(-1)!
      .note!.split('\n')
      .filter((l) => /^[-+][^-+]/.test(l));
    expect(diff).toEqual(['+Thanks.']);
  });

  it('refuses an edit that names our own address in a message for a list, and stores nothing', async () => {
    const { store, p, d, parts } = await reply();
    const out = await editDraft(p, d.id, {
      revision: 1,
      ja: `${parts.ja}\n198.51.100.50 からも来ています。`,
      en: parts.en,
      note: null,
    });
    expect(out).toMatchObject({ status: 'refused' });
    expect(out.status === 'refused' && out.reasons).toEqual([
      'the text names our own address 198.51.100.50, which a list must not read',
    ]);
    expect(store.drafts.get(d.id)).toMatchObject({ revision: 1, text: d.text });
  });

  it('refuses a label below the TLP, raises the TLP on a label above it, and lets the gate refuse RED', async () => {
    const { store, p, d, parts } = await reply();
    const lower = await editDraft(p, d.id, {
      ...parts,
      en: parts.en.replace('TLP:AMBER', 'TLP:CLEAR'),
      revision: 1,
      note: null,
    });
    expect(lower.status === 'refused' && lower.reasons).toEqual([
      'the text labels the message TLP:CLEAR, below its TLP:AMBER',
    ]);
    const gone = await editDraft(p, d.id, {
      ...parts,
      ja: parts.ja.replace(/^TLP:AMBER.*\n/, ''),
      revision: 1,
      note: null,
    });
    expect(gone.status === 'refused' && gone.reasons).toEqual(['the Japanese part no longer says its TLP (TLP:AMBER)']);
    const red = await editDraft(p, d.id, {
      ja: parts.ja.replace('TLP:AMBER', 'TLP:RED'),
      en: parts.en.replace('TLP:AMBER', 'TLP:RED'),
      revision: 1,
      note: null,
    });
    expect(red.status === 'refused' && red.reasons).toContain('TLP:RED material addressed to a list');
    const strict = await editDraft(p, d.id, {
      ja: parts.ja.replace('TLP:AMBER', 'TLP:AMBER+STRICT'),
      en: parts.en.replace('TLP:AMBER', 'TLP:AMBER+STRICT'),
      revision: 1,
      note: null,
    });
    expect(strict.status).toBe('revised');
    expect(store.drafts.get(d.id)).toMatchObject({ tlp: 'AMBER+STRICT', revision: 2 });
    expect(store.drafts.get(d.id).subject).toMatch(/^\[TLP:AMBER\+STRICT\] Re: /);
  });

  it('takes back an approval, since the person approved other words, and never overwrites a newer one', async () => {
    const { store, p, d, parts } = await reply();
    decide(store, d.id, 'approve', 'bob', null);
    expect(store.outbox.hasIntent(d.id)).toBe(true);
    const out = await editDraft(p, d.id, { ...parts, en: `${parts.en}\nThanks.`, revision: 1, note: null });
    expect(out.status).toBe('revised');
    expect(store.drafts.get(d.id).status).toBe('draft');
    expect(store.outbox.hasIntent(d.id)).toBe(false);
    const stale = await editDraft(p, d.id, { ...parts, en: `${parts.en}\nRegards.`, revision: 1, note: null });
    expect(stale.status === 'refused' && stale.reasons[0]).toMatch(/is at revision 2, not 1/);
  });

  it('refuses a label that a raise in the other part leaves below, and text that runs backwards', async () => {
    const { p, d, parts } = await reply();
    const half = await editDraft(p, d.id, {
      ...parts,
      en: parts.en.replace('TLP:AMBER', 'TLP:AMBER+STRICT'),
      revision: 1,
      note: null,
    });
    expect(half.status === 'refused' && half.reasons).toEqual([
      'the text labels the message TLP:AMBER, below its TLP:AMBER+STRICT',
    ]);
    const bidi = await editDraft(p, d.id, {
      ...parts,
      en: `${parts.en}\n\u202e05.001.15.891\u202c`,
      revision: 1,
      note: null,
    });
    expect(bidi.status === 'refused' && bidi.reasons[0]).toMatch(/bidirectional control characters/);
  });

  it('keeps a note on one line: it never reads as a line of the diff below it', async () => {
    const { store, p, d, parts } = await reply();
    const note = 'typo\n--- #1\n+++ #1\n@@ -1 +1 @@\n-TLP:RED\n+TLP:AMBER';
    expect((await editDraft(p, d.id, { ...parts, en: `${parts.en}\nThanks.`, revision: 1, note })).status).toBe(
      'revised',
    );
    const last = store.drafts.history(d.id).at(-1)!.note!;
    expect(last.split('\n')[0]).toBe('revision 2 edited: typo --- #1 +++ #1 @@ -1 +1 @@ -TLP:RED +TLP:AMBER');
    expect(last).not.toMatch(/^-TLP:RED$/m);
  });

  it('leaves a draft whose send was tried as it is, even when a person rejected it after', async () => {
    const { store, p, d, parts } = await reply();
    decide(store, d.id, 'approve', 'bob', null);
    const item = store.outbox.pending().find((o) => o.draftId === d.id)!;
    store.outbox.attempt(item.id, 0);
    decide(store, d.id, 'reject', 'bob', 'wait');
    const out = await editDraft(p, d.id, { ...parts, en: `${parts.en}\nThanks.`, revision: 1, note: null });
    expect(out.status === 'refused' && out.reasons[0]).toMatch(/has gone out \(or its sending was tried\)/);
    expect(store.drafts.get(d.id)).toMatchObject({ revision: 1, status: 'rejected' });
  });

  it('leaves what went out, and the charted overview, as they are', async () => {
    const { store, p, d, parts } = await reply();
    decide(store, d.id, 'approve', 'bob', null);
    const item = store.outbox.pending().find((o) => o.draftId === d.id)!;
    store.outbox.claim(item.id);
    store.outbox.attempt(item.id, 0);
    const sent = await editDraft(p, d.id, { ...parts, en: `${parts.en}\nThanks.`, revision: 1, note: null });
    expect(sent.status === 'refused' && sent.reasons[0]).toMatch(/has gone out/);
    const overview = store.drafts.add({ ...d, kind: 'overview', messageId: '<overview@isp.example>' }, 'kansoku');
    const o = await editDraft(p, overview, { ja: 'a', en: 'b', revision: 1, note: null });
    expect(o.status === 'refused' && o.reasons[0]).toMatch(/render it again \("kansoku overview"\)/);
  });
});
