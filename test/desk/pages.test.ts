import { describe, expect, it } from 'vitest';
import { draftPage, eventPage, folded, marked, queuePage } from '../../src/desk/pages.ts';
import { contextFor } from '../../src/app.ts';
import { createLogger } from '../../src/log.ts';
import { openSource } from '../../src/mail/sources.ts';
import { processSources } from '../../src/pipeline/process.ts';
import { demoStore } from '../helpers/demo.ts';
import { fixture } from '../helpers/paths.ts';

describe('what the desk pages show', () => {
  it('marks our placeholders for our own networks, and nothing else that looks like an address', () => {
    const parts = marked('from A.B.C.50, A.B.C.x and 77.F.E.D (and A:B:C:D::1); not U.S.A., v1.2.3.4 or 192.0.2.1');
    expect(parts.filter((p) => p.mark).map((p) => p.text)).toEqual(['A.B.C.50', 'A.B.C.x', '77.F.E.D', 'A:B:C:D::1']);
    expect(parts.map((p) => p.text).join('')).toBe(
      'from A.B.C.50, A.B.C.x and 77.F.E.D (and A:B:C:D::1); not U.S.A., v1.2.3.4 or 192.0.2.1',
    );
  });

  it('folds what a post quotes, keeps what its member wrote open, and says where a long post was cut', () => {
    const post = 'Seeing this too.\n> Are others seeing tcp/5000?\n>> older\n> more\nThanks\n';
    expect(folded(post, 1000).blocks).toEqual([
      { quoted: false, lines: 1, text: 'Seeing this too.' },
      { quoted: true, lines: 3, text: '> Are others seeing tcp/5000?\n>> older\n> more' },
      { quoted: false, lines: 2, text: 'Thanks\n' },
    ]);
    const cut = folded('x'.repeat(50), 10);
    expect(cut).toMatchObject({ cut: true, max: 10, blocks: [{ text: 'x'.repeat(10) }] });
  });

  it('shows a held reply beside its post, with what we found, and only release or reject allowed', async () => {
    const { store, config } = await demoStore();
    const held = store.drafts.list('held')[0]!;
    const page = draftPage(store, config, held.id, Date.now());
    expect(page.actions).toEqual({ approve: false, reject: true, release: true });
    expect(page.preview.map((p) => p.text).join('')).toBe(held.text);
    expect(page.post?.subject).toContain('UDP/6585');
    expect(page.post?.body?.blocks.map((b) => b.text).join('\n')).toContain('203.0.113.77');
    expect(page.findings[0]).toMatchObject({ port: '6585/udp' });
    expect(page.charts).toEqual([{ proto: 'udp', port: 6585, url: `/drafts/${held.id}/chart/udp/6585.png` }]);
    expect(page.edit).toMatchObject({ allowed: true, reasons: [] });
  });

  it('shows beside the post who signed it and whether it verified, in Japanese and in English', async () => {
    const { store, config } = await demoStore();
    const keyed = { ...config, auth: { ...config.auth, pgpKeyring: fixture('pgp', 'keyring') } };
    const log = createLogger('silent');
    await processSources(
      [openSource('eml', fixture('pgp', 'clearsigned-report.eml'))],
      contextFor(keyed, store, { log }),
    );
    const draft = store.drafts.list('draft').find((d) => d.sourceMessageId === '<clearsigned@isp-a.example>')!;
    expect(draftPage(store, keyed, draft.id, Date.now()).post?.signature).toEqual({
      ja: '署名：Hanako Sato <hanako@isp-a.example>（鍵 0xACF2121C9FB36B69、検証済み）',
      en: 'signed by Hanako Sato <hanako@isp-a.example> (key 0xACF2121C9FB36B69), verified',
    });
    expect(draftPage(store, keyed, 1, Date.now()).post?.signature).toBeNull();
  });

  it('says in a line how a verdict was reached and what our own events show', async () => {
    const { store, config } = await demoStore();
    const [f] = draftPage(store, config, 1, Date.now()).findings;
    expect(f).toMatchObject({ port: '5000/tcp', verdict: 'elevated' });
    expect(f!.method).toMatch(/^expected [\d.]+\/h \(48 h band mean [\d.]+.*\); Poisson p = .+; passed every test$/);
    expect(f!.evidence).toMatch(
      /^\d+\+? events from \d+ sources, .+; SYN only \d+%, one target per \/24 \d+%; countries .+/,
    );
    expect(f!.samples.length).toBeGreaterThan(0);
  });

  it('lists the newest refusals of the outbound gate first, each with where its draft stands now', async () => {
    const { store } = await demoStore();
    for (const [draftId, reason] of [
      [1, 'old'],
      [2, 'newer'],
      [1, 'newest'],
    ] as const)
      store.drafts.refuse({ draftId, messageId: store.drafts.get(draftId).messageId, stage: 'build', reason });
    const q = queuePage(store, { page: 1, size: 2 }, Date.now());
    expect(q.refused.map((r) => [r.draftId, r.reason, r.status])).toEqual([
      [1, 'newest', 'held'],
      [2, 'newer', 'held'],
    ]);
    // A refused draft is held for a person.
    expect(q.counts).toEqual({ waiting: 1, approved: 0, held: 3 });
  });

  it("lays out an event's timeline in time order: the post, our draft, its verdict", async () => {
    const { store } = await demoStore();
    const page = eventPage(store, 1)!;
    expect(page.event).toMatchObject({ proto: 'tcp', port: 5000 });
    const at = page.timeline.map((t) => t.at);
    expect(at).toEqual([...at].sort());
    expect(page.timeline.some((t) => t.draftId === 1 && t.what.startsWith('our reply'))).toBe(true);
    expect(page.timeline.some((t) => t.change === 'elevated')).toBe(true);
    expect(eventPage(store, 999)).toBeNull();
  });
});
