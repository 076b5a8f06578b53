import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allMatches } from '../../src/extract/matches.ts';

const same = (s: string, re: RegExp) => {
  const want = [...s.matchAll(re)].map((m) => [m.index, [...m], m.groups]);
  expect(allMatches(s, re).map((m) => [m.index, [...m], m.groups])).toEqual(want);
  expect(re.lastIndex).toBe(0);
};

describe('allMatches', () => {
  it('finds what matchAll finds, empty matches included', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (s) => {
        for (const re of [/(?<n>\d+)/g, /x*/g, /\b/g, /(?:)/gu, /[a-z]{2}/gi]) same(s, re);
      }),
    );
    same('a😀b', /(?:)/gu);
    same('a😀b', /(?:)/g);
  });

  it('needs a global pattern, as matchAll does', () => {
    expect(() => allMatches('a', /a/)).toThrow(TypeError);
  });
});
