import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/config/load.ts';
import { authenticatedFrom, parseAuthResults } from '../../src/sightings/auth.ts';
import { creditReply } from '../../src/sightings/credit.ts';
import { post } from '../helpers/post.ts';

const ours = 'mx.isp.example';
const mail = (address: string, authResults: string[]) =>
  post('same here', { from: { address, name: '' }, authResults });
const verdict = (address: string, ...authResults: string[]) => authenticatedFrom(mail(address, authResults), ours);

describe('reading Authentication-Results (RFC 8601)', () => {
  it('does not split on a ; inside a quoted string', () => {
    const h = `${ours}; spf=pass smtp.mailfrom="a;dkim=pass header.d=member.example"`;
    expect(parseAuthResults(h)?.results).toEqual([
      { method: 'spf', result: 'pass', props: new Map([['smtp.mailfrom', 'a;dkim=pass header.d=member.example']]) },
    ]);
    expect(verdict('noc@member.example', h).ok).toBe(false);
  });

  it('skips comments, nested ones and ones holding ; and quotes included', () => {
    const h =
      `${ours} (our "MX"; v1); spf=pass (sender (ip; 192.0.2.1) is "ok;) ` +
      'smtp.mailfrom=noc@member.example (x; dkim=pass header.d=member.example)';
    expect(parseAuthResults(h)?.results.map((r) => r.method)).toEqual(['spf']);
    expect(verdict('noc@member.example', h).ok).toBe(false);
    const pass = `${ours}; dkim=pass (2048-bit key; (secure)) header.d=member.example(signing domain) header.s=s1`;
    expect(verdict('noc@member.example', pass)).toMatchObject({ ok: true });
  });

  it('reads a version after the authserv-id, and the id in any case', () => {
    expect(parseAuthResults(`${ours} 1; dkim=pass header.d=member.example`)).toMatchObject({
      authservId: ours,
      results: [{ method: 'dkim', result: 'pass' }],
    });
    expect(verdict('noc@member.example', `${ours} 1; dkim=pass header.d=member.example`).ok).toBe(true);
    expect(verdict('noc@member.example', `MX.ISP.Example; DKIM=Pass Header.D=member.example`).ok).toBe(true);
  });

  it('drops a resinfo it cannot read, and reads "; none" as no result', () => {
    expect(parseAuthResults(`${ours}; none`)).toEqual({ authservId: ours, results: [] });
    expect(parseAuthResults(`${ours}; dkim=pass header.d; spf=fail`)?.results.map((r) => r.method)).toEqual(['spf']);
    expect(parseAuthResults('; dkim=pass header.d=member.example')).toBeNull();
  });
});

describe('relaxed alignment (RFC 7489)', () => {
  it('refuses a pass for a signing domain of another organisation', () => {
    expect(verdict('noc@member.example', `${ours}; dkim=pass header.d=evil.example`).ok).toBe(false);
    // Only a suffix in common: the old "under" test took this for the same organisation.
    expect(verdict('noc@member.example', `${ours}; dkim=pass header.d=example`).ok).toBe(false);
  });

  it('never aligns a signing domain that is a public suffix', () => {
    expect(verdict('noc@isp.co.jp', `${ours}; dkim=pass header.d=co.jp`).ok).toBe(false);
    expect(verdict('noc@mail.isp.co.jp', `${ours}; dkim=pass header.d=co.jp`).ok).toBe(false);
    expect(verdict('noc@mail.isp.co.jp', `${ours}; dkim=pass header.d=isp.co.jp`).ok).toBe(true);
  });

  it('aligns a subdomain of the From organisation either way round', () => {
    expect(verdict('noc@member.example', `${ours}; dkim=pass header.d=mail.member.example`).ok).toBe(true);
    expect(verdict('noc@noc.member.example', `${ours}; dkim=pass header.d=member.example`).ok).toBe(true);
    expect(verdict('noc@a.member.example', `${ours}; dkim=pass header.i=@b.member.example`).ok).toBe(true);
  });

  it('keeps two tenants of a hosting suffix apart', () => {
    expect(verdict('noc@alice.github.io', `${ours}; dkim=pass header.d=mallory.github.io`).ok).toBe(false);
  });

  it('passes when one of several DKIM results is an aligned pass', () => {
    const h =
      `${ours}; dkim=pass header.d=esp.example header.s=a; dkim=fail header.d=member.example; ` +
      'dkim=pass header.d=member.example header.s=b; spf=fail';
    expect(verdict('noc@member.example', h)).toMatchObject({
      ok: true,
      why: expect.stringContaining('member.example'),
    });
  });
});

describe('whose word is read', () => {
  const config = validateConfig({
    members: [{ org: 'Member', domains: ['member.example'] }],
    auth: { trustedServerId: ours },
  });

  it('reads only the topmost header of the trusted server: a lower one may be forged', () => {
    const real = `${ours}; dkim=fail header.d=member.example`;
    const forged = `${ours}; dkim=pass header.d=member.example`;
    expect(verdict('noc@member.example', real, forged).ok).toBe(false);
    expect(creditReply(mail('noc@member.example', [real, forged]), config).counted).toBe(false);
    // Ours stays ours even where what follows the id is not a plain version.
    expect(verdict('noc@member.example', `${ours} 1 (x) beta; dkim=none`, forged).ok).toBe(false);
  });

  it('does not count a member by From alone once a trusted server is configured', () => {
    expect(creditReply(mail('noc@member.example', []), config)).toMatchObject({ org: 'Member', counted: false });
    expect(
      creditReply(mail('noc@member.example', ['mx.other.example; dkim=pass header.d=member.example']), config),
    ).toMatchObject({ org: 'Member', counted: false });
  });

  it('does not count a DKIM failure', () => {
    expect(
      creditReply(mail('noc@member.example', [`${ours}; dkim=fail header.d=member.example`]), config),
    ).toMatchObject({ counted: false, why: expect.stringContaining('fail') });
  });

  it('counts an aligned pass, and by From alone only where no trusted server is configured', () => {
    expect(
      creditReply(mail('noc@member.example', [`${ours}; dkim=pass header.d=member.example`]), config),
    ).toMatchObject({ org: 'Member', counted: true });
    const open = validateConfig({ members: [{ org: 'Member', domains: ['member.example'] }] });
    expect(creditReply(mail('noc@member.example', []), open)).toMatchObject({
      org: 'Member',
      counted: true,
      why: expect.stringContaining('From alone'),
    });
    expect(authenticatedFrom(mail('noc@member.example', []), null)).toMatchObject({
      ok: true,
      why: expect.stringContaining('no trusted server'),
    });
  });
});

describe('a quoted string is one value', () => {
  it('never yields a pass from a smuggled "dkim=pass header.d=<From domain>"', () => {
    // Anything that can sit in a quoted-string, with the payload somewhere inside it.
    const qtext = fc.string({ unit: fc.constantFrom(...'ab ;=()"\\.@-\t'.split('')) });
    fc.assert(
      fc.property(qtext, qtext, fc.constantFrom('smtp.mailfrom', 'header.from', 'reason'), (before, after, prop) => {
        const escaped = `${before};dkim=pass header.d=member.example;${after}`.replace(/[\\"]/g, (c) => `\\${c}`);
        const name = prop === 'reason' ? 'dkim=fail reason' : `spf=pass ${prop}`;
        expect(verdict('noc@member.example', `${ours}; ${name}="${escaped}"`).ok).toBe(false);
      }),
    );
  });
});
