import { beforeAll, describe, expect, it } from 'vitest';
import { kansoku, scratch } from '../helpers/cli.ts';

describe('kansoku explain and show: why the bot drafted, or did not', () => {
  const cwd = scratch();
  beforeAll(() => {
    expect(kansoku(['run'], cwd).code).toBe(0);
  });

  it('walks a drafted post through every step, with the finding and the draft it made', () => {
    const r = kansoku(['explain', '20261120101500.sato@abc-net.example'], cwd);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toBe('<20261120101500.sato@abc-net.example>: drafted (drafted reply)');
    expect(lines.slice(1).map((l) => l.slice(3).split(/\s+/)[0])).toEqual([
      'admit',
      'list',
      'extract',
      'sightings',
      'correlate',
      'decide',
      'draft',
      'drafts:',
    ]);
    expect(r.stdout).toContain('correlate    tcp/5000: elevated');
    expect(r.stdout).toContain('drafts: #1');
  });

  it('says where a message stopped and why, in text and in JSON', () => {
    const auto = kansoku(['explain', '<ooo-77@transit.example>'], cwd);
    expect(auto.stdout).toContain(' x admit        automatic (Auto-Submitted: auto-replied)');
    const held = JSON.parse(kansoku(['explain', '<5f3e.suzuki@def-u.example>', '--json'], cwd).stdout);
    expect(held.decision.outcome).toBe('held');
    expect(held.decision.steps.find((s: { step: string }) => s.step === 'own-networks').data).toEqual({
      addresses: ['203.0.113.77'],
    });
    expect(held.decision.drafts).toHaveLength(2);
  });

  it('prints the Decision of the post a draft answers with the draft', () => {
    const r = kansoku(['show', '1'], cwd);
    expect(r.stdout).toMatch(/\nwhy:\n<20261120101500\.sato@abc-net\.example>: drafted/);
    const json = JSON.parse(kansoku(['show', '1', '--json'], cwd).stdout);
    expect(json.decision.outcome).toBe('drafted');
  });

  it('fails with a clear line for a message it never read', () => {
    const r = kansoku(['explain', '<never@example.net>'], cwd);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('kansoku: no such message: the bot has not read <never@example.net>');
  });
});
