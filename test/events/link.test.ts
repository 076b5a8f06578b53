import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { threadSubject } from '../../src/events/link.ts';
import { tallyOf } from '../../src/events/tally.ts';
import type { SightingRow } from '../../src/model.ts';

describe('the subject a thread shares', () => {
  it('drops reply and forward marks, list tags and TLP labels, in any order and language', () => {
    expect(threadSubject('Re: [nsp-sec-jp] tcp/5000 scans')).toBe('tcp/5000 scans');
    expect(threadSubject('AW: Re[2]: [TLP:GREEN] [nsp] TCP/5000  Scans')).toBe('tcp/5000 scans');
    expect(threadSubject('返信： 転送: [nsp-sec-jp] 5000/tcp スキャンの急増')).toBe('5000/tcp スキャンの急増');
  });

  it('is the same for a subject and any reply to it', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 40 }).filter((s) => /\p{L}/u.test(s) && !/^\s*(re|aw|sv|fwd?)\b/i.test(s)),
        fc.constantFrom('Re: ', 'RE: ', 'Fwd: ', '返信: ', 'Re: Re: ', 'AW: '),
        (subject, mark) => threadSubject(`${mark}[nsp] ${subject}`) === threadSubject(`[nsp] ${subject}`),
      ),
    );
  });
});

describe('the tally of an event', () => {
  const row = (org: string | null, verdict: SightingRow['verdict'], counted = true): SightingRow => ({
    eventId: 1,
    messageId: `<${org}-${verdict}@x>`,
    verdict,
    sender: null,
    org,
    counted,
    why: '',
    counts: null,
    logLines: 0,
    at: '2026-11-20T00:00:00Z',
    tlp: null,
  });

  it('counts each organisation once, by its latest word, and everyone unverified apart', () => {
    const t = tallyOf([
      row('ORG-A', 'question'),
      row('ORG-A', 'confirm'),
      row('ORG-B', 'deny'),
      row(null, 'confirm', false),
      row('ORG-C', 'confirm', false),
    ]);
    expect(t).toMatchObject({ confirm: 1, deny: 1, question: 0, other: 0 });
    expect(t.byOrg).toEqual({ 'ORG-A': 'confirm', 'ORG-B': 'deny' });
    expect(t.unverified).toEqual({ confirm: 2, deny: 0, question: 0, other: 0 });
  });
});
