import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/config/load.ts';
import type { FollowUpInput } from '../../src/draft/followup.ts';
import { kinds } from '../../src/draft/kinds.ts';
import type { EventRow, SightingRow } from '../../src/model.ts';

const config = validateConfig({
  identity: { from: 'Ops <kansoku@isp.example>', nameJa: 'テストISP運用チーム', nameEn: 'Test ISP ops' },
  lists: [
    { name: 'nsp-sec-jp', listId: 'nsp-sec-jp.example.net', address: 'nsp-sec-jp@example.net', defaultTlp: 'AMBER' },
    { name: 'quiet', listId: 'quiet.example.net', address: 'quiet@example.net', anonymous: true },
  ],
});

const event: EventRow = {
  id: 7,
  proto: 'tcp',
  port: 5000,
  firstSeen: '2026-11-20T01:00:00.000Z',
  lastSeen: '2026-11-20T05:00:00.000Z',
  firstMessage: '<report@example.org>',
  subject: '[TLP:GREEN] Re: [nsp-sec-jp] tcp/5000 scanning',
  lastVerdict: 'elevated',
  endedAt: null,
};

function sighting(org: string, over: Partial<SightingRow> = {}): SightingRow {
  return {
    eventId: 7,
    messageId: `<${org}@example.org>`,
    verdict: 'confirm',
    sender: `ops@${org}.example`,
    org,
    counted: true,
    why: 'member',
    counts: null,
    logLines: 0,
    at: '2026-11-20T03:00:00.000Z',
    tlp: null,
    ...over,
  };
}

const input: FollowUpInput = {
  event,
  trigger: { kind: 'confirmations' },
  sightings: [
    sighting('AlphaNet', { counts: { sources: 1200 } }),
    sighting('BetaCom'),
    sighting('GammaISP'),
    sighting('Secret', { tlp: 'RED' }),
  ],
  latest: null,
  thread: ['<kansoku.reply.1@isp.example>'],
  reportTlp: 'GREEN',
  listId: 'nsp-sec-jp.example.net',
  config,
};

describe('the follow-up', () => {
  it('answers in the event’s thread, at the list’s label, once per trigger', () => {
    const d = kinds.followup.render(input);
    expect(d.kind).toBe('followup');
    expect(d.subject).toBe('[TLP:AMBER] Re: [nsp-sec-jp] tcp/5000 scanning');
    expect(d.inReplyTo).toBe('<report@example.org>');
    expect(d.references).toEqual(['<report@example.org>', '<kansoku.reply.1@isp.example>']);
    expect(kinds.followup.render(input).messageId).toBe(d.messageId);
    const verdict = kinds.followup.render({ ...input, trigger: { kind: 'verdict', from: 'normal', to: 'elevated' } });
    expect(verdict.messageId).not.toBe(d.messageId);
    expect(kinds.followup.fileName!(input, d)).toBe('followup-event7-confirmations.eml');
  });

  it('names who confirmed and their numbers in both languages, and leaves a TLP:RED reply out', () => {
    const d = kinds.followup.render(input);
    const [ja, en] = d.text.split(`\n${'-'.repeat(60)}\n`);
    expect(ja).toContain('・同様の事象を観測：3組織（AlphaNet、BetaCom、GammaISP）');
    expect(ja).toContain('・AlphaNet：送信元 1,200');
    expect(ja).toContain('TLP:REDの返信1件');
    expect(en).toContain('- seeing it: 3 (AlphaNet, BetaCom, GammaISP)');
    expect(en).toContain('- AlphaNet: 1,200 sources');
    expect(d.text).not.toContain('Secret');
  });

  it('gives a list that prefers anonymity counts, never organisation names', () => {
    const d = kinds.followup.render({ ...input, listId: 'quiet.example.net' });
    expect(d.to).toBe('quiet@example.net');
    expect(d.text).toContain('・同様の事象を観測：3組織\n');
    for (const org of ['AlphaNet', 'BetaCom', 'GammaISP']) expect(d.text).not.toContain(org);
  });
});
