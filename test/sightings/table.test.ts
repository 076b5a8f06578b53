import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { scoreReplies, type Reply } from '../../scripts/eval-sightings.ts';
import { fixture } from '../helpers/paths.ts';

const rows = JSON.parse(readFileSync(fixture('sightings', 'replies.json'), 'utf8')) as Reply[];

describe("the table of members' replies", () => {
  it('holds at least 150 replies in English and Japanese, each verdict among them', () => {
    expect(rows.length).toBeGreaterThanOrEqual(150);
    expect(new Set(rows.map((r) => r.lang))).toEqual(new Set(['en', 'ja']));
    expect(new Set(rows.map((r) => r.label))).toEqual(new Set(['confirm', 'deny', 'question', 'other']));
    expect(new Set(rows.map((r) => r.id)).size).toBe(rows.length);
  });

  it('is read at least 90% right, and no verdict is found or missed more than one time in ten', () => {
    const { accuracy, per, misses } = scoreReplies(rows);
    expect(accuracy, JSON.stringify(misses.map((m) => [m.id, m.label, m.got]))).toBeGreaterThanOrEqual(0.9);
    for (const p of per) expect([p.verdict, p.precision >= 0.9, p.recall >= 0.9]).toEqual([p.verdict, true, true]);
  });

  it('never reads a phone number in a signature, or a quoted confirmation, as a sighting', () => {
    const traps = rows.filter(
      (r) => r.label !== 'confirm' && /\+\d|^\s*>|wrote:|差出人|^From:|<[^>]+@[^>]+>:/m.test(r.text),
    );
    expect(traps.length).toBeGreaterThanOrEqual(20);
    const { misses } = scoreReplies(traps);
    expect(misses.filter((m) => m.got === 'confirm')).toEqual([]);
  });
});
