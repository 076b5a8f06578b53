import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/config/load.ts';
import type { DigestData } from '../../src/digest/data.ts';
import type { DigestInput } from '../../src/draft/digest.ts';
import { parseWeek } from '../../src/digest/week.ts';
import { kinds } from '../../src/draft/kinds.ts';

const config = validateConfig({
  identity: { from: 'Ops <kansoku@isp.example>', nameJa: 'テストISP運用チーム', nameEn: 'Test ISP ops' },
  operator: { tlp: 'GREEN' },
  lists: [
    { name: 'nsp-sec-jp', listId: 'nsp-sec-jp.example.net', address: 'nsp-sec-jp@example.net', defaultTlp: 'GREEN' },
  ],
});

/** A week with one event, one port that changed, and one three-hour sensor gap; no charts. */
const data: DigestData = {
  week: parseWeek('2026-W47', 'Asia/Tokyo'),
  events: [
    {
      id: 1,
      proto: 'tcp',
      port: 5000,
      firstSeen: '2026-11-20T01:00:00.000Z',
      peak: { hour: '2026-11-19T18:00:00.000Z', events: 48 },
      verdict: 'elevated',
      confirmations: 3,
      denials: 1,
    },
  ],
  withheld: 0,
  tlps: ['AMBER', null],
  changes: [{ proto: 'tcp', port: 23, thisWeek: 3360, lastWeek: 1680, thisRate: 20, lastRate: 10 }],
  gaps: [{ from: '2026-11-18T00:00:00.000Z', to: '2026-11-18T02:00:00.000Z', hours: 3 }],
  hoursWithData: 165,
  hoursInWeek: 168,
  charts: [],
};
const input: DigestInput = { data, config };

describe('the weekly digest', () => {
  it('goes to the list at the strictest label of what it carries, named after its week', async () => {
    const { draft } = await kinds.digest.render(input);
    expect(draft.kind).toBe('digest');
    expect(draft.to).toBe('nsp-sec-jp@example.net');
    expect(draft.tlp).toBe('AMBER');
    expect(draft.subject).toBe('[TLP:AMBER] [nsp-sec-jp] 週間観測まとめ / Weekly digest 2026-W47');
    expect(kinds.digest.fileName!(input, await kinds.digest.render(input))).toBe('digest-2026-W47.eml');
  });

  it('gives the week, its event, change and gap in both languages, and the same text as HTML', async () => {
    const d = await kinds.digest.render(input);
    const [ja, en] = d.draft.text.split(`\n${'-'.repeat(60)}\n`);
    expect(ja).toContain('2026年第47週（11月16日〜11月22日）');
    expect(ja).toContain('ピーク 11月20日（金） 3時台（JST、11月19日 18:00 UTC） 48件/時');
    expect(ja).toContain('・23/tcp：1時間あたり 前週 10件 → 今週 20件（約2倍）、今週の合計 3,360件');
    expect(ja).toContain('週168時間のうち165時間分のデータ');
    expect(en).toContain('2026-W47, 16 Nov to 22 Nov 2026');
    expect(en).toContain('peak 48 events/hour in Thu 19 Nov 18:00-19:00 UTC (20 Nov 03:00 JST)');
    expect(en).toContain('- 23/tcp: 10 -> 20 events per hour of data (2x); 3,360 this week in all');
    expect(d.html).toContain('2026年第47週');
    expect(d.charts).toEqual([]);
  });
});
