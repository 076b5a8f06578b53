import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isReplySubject, withoutRe } from '../../src/mail/reply-text.ts';

describe('a reply is known by its subject', () => {
  it('takes "Re:" in the forms mailers write, after the tags a list adds', () => {
    for (const s of [
      'Re: tcp/5000 scans',
      'RE: tcp/5000 scans',
      'AW: tcp/5000 scans',
      'SV: tcp/5000 scans',
      '返信: 5000/tcp スキャン',
      'Re：5000/tcp スキャン',
      'Re[2]: tcp/5000 scans',
      '[nsp-sec] Re: tcp/5000 scans',
      '[nsp-sec] [TLP:GREEN] Re: tcp/5000 scans',
    ])
      expect(isReplySubject(s), s).toBe(true);
  });

  it('does not take a subject that only contains or begins with the letters', () => {
    for (const s of [
      'tcp/5000 scans',
      'Regarding tcp/5000',
      'Report: tcp/5000',
      '[nsp-sec] Reflection on udp/123',
      'Fwd: scans',
    ])
      expect(isReplySubject(s), s).toBe(false);
  });

  it('drops one leading "Re:" for a new subject line', () => {
    expect(withoutRe('Re: tcp/5000 scans')).toBe('tcp/5000 scans');
    expect(withoutRe('Re[3]: tcp/5000 scans')).toBe('tcp/5000 scans');
    expect(withoutRe('tcp/5000 scans')).toBe('tcp/5000 scans');
  });

  it('knows any subject with "Re:" put before it as a reply, whatever list tags come first', () => {
    fc.assert(
      fc.property(
        fc.array(fc.stringMatching(/^\[[\w:-]{1,20}\]$/), { maxLength: 3 }),
        fc.string({ maxLength: 60 }),
        (tags, subject) => isReplySubject(`${tags.join(' ')} Re: ${subject}`),
      ),
    );
  });
});
