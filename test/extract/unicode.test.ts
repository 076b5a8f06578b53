import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nfkc } from '../../src/extract/unicode.ts';

describe('nfkc', () => {
  it('folds as String.prototype.normalize does, Latin-1 character by character', () => {
    for (let c = 0; c < 0x100; c++) {
      const s = `a${String.fromCharCode(c)}b`;
      expect(nfkc(s)).toBe(s.normalize('NFKC'));
    }
  });

  it('folds any text as String.prototype.normalize does', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme-composite' }), (a, b) => {
        expect(nfkc(a)).toBe(a.normalize('NFKC'));
        expect(nfkc(a + b)).toBe((a + b).normalize('NFKC'));
      }),
    );
  });

  it('folds full-width text', () => {
    expect(nfkc('ＴＣＰ／５０００ ½')).toBe('TCP/5000 1⁄2');
  });
});
