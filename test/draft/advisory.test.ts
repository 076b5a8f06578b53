import { readFileSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { contextFor } from '../../src/app.ts';
import { validateConfig } from '../../src/config/load.ts';
import type { AdvisoryInput, ElevatedFinding } from '../../src/draft/advisory.ts';
import { kinds } from '../../src/draft/kinds.ts';
import { OutboundGate } from '../../src/outbound/gate.ts';
import { memoryBook } from '../../src/outbound/redact.ts';
import { prepareDraft } from '../../src/pipeline/drafts.ts';
import { scratch } from '../helpers/cli.ts';
import { openTestStore } from '../helpers/store.ts';

const config = validateConfig({
  identity: { from: 'Ops <kansoku@isp.example>', nameJa: 'テストISP運用チーム', nameEn: 'Test ISP ops' },
  operator: { networks: ['198.51.100.0/24'], tlp: 'GREEN' },
  lists: [
    { name: 'nsp-sec-jp', listId: 'nsp-sec-jp.example.net', address: 'nsp-sec-jp@example.net', defaultTlp: 'AMBER' },
  ],
  review: { address: 'review@isp.example', moderators: ['alice@isp.example'] },
  draft: { outbox: `${scratch()}/outbox` },
});

/**
 * 23/tcp as our counters would show a Mirai-style wave: a quiet 96 events an hour until 15:00 UTC,
 * 1,502 at 17:00, 1,234 from 311 sources in the latest hour, 18:00 UTC (03:00 JST the next day).
 */
const finding: ElevatedFinding = {
  port: 23,
  proto: 'tcp',
  verdict: 'elevated',
  at: '2026-11-19T18:40:00.000Z',
  current: 1234,
  currentHour: '2026-11-19T18:00:00.000Z',
  currentSources: 311,
  currentMinutes: 60,
  currentEvents: 1234,
  baseline: { mean: 96.4, sd: 20.1, upper: 129.5, lower: 63.3, hours: 48 },
  ratio: 12.8,
  onset: '2026-11-19T15:00:00.000Z',
  peak: { hour: '2026-11-19T17:00:00.000Z', events: 1502 },
  test: { expected: 96.4, seasonal: null, pValue: 0, spikeLevel: 140, failed: null },
  evidence: null,
  sourcesSeenLocally: [],
  coverage: { hoursWithData: 214, hoursInWindow: 217 },
};

const input: AdvisoryInput = { finding, listId: 'nsp-sec-jp.example.net', config };

function parts(text: string): { ja: string; en: string } {
  const [ja, en] = text.split(`\n${'-'.repeat(60)}\n`);
  return { ja: ja!, en: en! };
}

describe('our own advisory', () => {
  it('goes to the list as a new thread, with our TLP tag and the port in the subject', () => {
    const d = kinds.advisory.render(input);
    expect(d.kind).toBe('advisory');
    expect(d.to).toBe('nsp-sec-jp@example.net');
    expect(d.inReplyTo).toBeNull();
    expect(d.tlp).toBe('AMBER');
    expect(d.subject).toBe(
      '[TLP:AMBER] [nsp-sec-jp] 注意喚起：23/tcp宛てのスキャン増加 / Advisory: rising scans to 23/tcp',
    );
    expect(kinds.advisory.render(input).messageId).toBe(d.messageId);
  });

  it('has the Japanese part first, in the sections of a published advisory, then the English part', () => {
    const { ja, en } = parts(kinds.advisory.render(input).text);
    expect(ja.startsWith('nsp-sec-jp各位、\n\nテストISP運用チームです。')).toBe(true);
    const sections = ['【概要】', '【当方での観測】', '【分析】', '【検知方法】', '【情報ソース】', '【お願い】'];
    const at = sections.map((s) => ja.indexOf(s));
    expect(at.every((i) => i > 0)).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
    expect(ja).toContain('TLP:AMBER（共有範囲：組織内および顧客）');
    expect(ja).toContain('皆様のネットワークでも同様の事象は観測されていますでしょうか。');
    expect(ja.trimEnd().endsWith('以上、よろしくお願いいたします。\n\n-- \nテストISP運用チーム')).toBe(true);
    expect(en.trimStart().startsWith('Hi all,')).toBe(true);
    for (const s of ['Summary', 'What we see', 'Analysis', 'How to detect', 'Sources', 'What we ask'])
      expect(en).toContain(`\n${s}\n`);
    expect(en).toContain('Are others seeing this as well?');
  });

  it('gives the finding, hour by hour in JST and UTC, in the Japanese part', () => {
    const { ja } = parts(kinds.advisory.render(input).text);
    // 2026-11-19T18:00Z is 3 a.m. on 20 November in Tokyo.
    expect(ja).toContain('直近1時間：11月20日 3時台（JST、11月19日 18:00 UTC）　1,234件/時、送信元ユニーク数 311');
    expect(ja).toContain('増加前の平常時の水準（48時間移動平均）：96.4件/時（±1.645σの範囲 63.3〜129.5件/時）');
    expect(ja).toContain('平常時との比：約13倍');
    expect(ja).toContain('増加開始：11月20日 0時台（JST、11月19日 15:00 UTC）');
    expect(ja).toContain('期間中のピーク：11月20日 2時台（JST、11月19日 17:00 UTC） 1,502件');
    expect(ja).toContain(
      '直近の11月20日 3時台（JST、11月19日 18:00 UTC）の1時間のイベント数は1,234件、送信元ユニーク数は311で、',
    );
    expect(ja).toContain('311ホストから同時期に着信している');
    expect(ja).toContain('過去9日間（217時間）のうち214時間分のデータ');
    expect(ja).toContain('2026年11月20日（金）03:00 JST（11月19日 18:00 UTC）時点');
    expect(ja).toContain("tcpdump -n 'tcp dst port 23 and tcp[tcpflags] & (tcp-syn|tcp-ack) == tcp-syn'");
  });

  it('gives the same facts, UTC first, in the English part', () => {
    const { en } = parts(kinds.advisory.render(input).text);
    expect(en).toContain('latest hour, 19 Nov 18:00-19:00 UTC (20 Nov 03:00 JST): 1,234 events, unique sources: 311');
    expect(en).toContain(
      'normal level before the rise (48-hour moving average): 96.4 events/hour, +/-1.645 sigma band 63.3 to 129.5',
    );
    expect(en).toContain('ratio to normal: 13x');
    expect(en).toContain('rise began: 19 Nov 15:00-16:00 UTC (20 Nov 00:00 JST)');
    expect(en).toContain('peak in the window: 1,502 events, 19 Nov 17:00-18:00 UTC (20 Nov 02:00 JST)');
    expect(en).toContain('214 of the past 217 hours (9 days) with data');
    expect(en).toContain('as of Thu 19 Nov 2026 18:00 UTC (20 Nov 03:00 JST)');
  });

  it('says when the latest figure is a rate over the first minutes of the hour, in both parts', () => {
    const partial = { ...finding, currentMinutes: 40, currentEvents: 823 };
    const { ja, en } = parts(kinds.advisory.render({ ...input, finding: partial }).text);
    expect(ja).toContain('11月19日 18:00 UTC）の最初の40分間のイベント数は823件（毎時約1,234件）');
    expect(ja).toContain('・直近：11月20日 3時台（JST、11月19日 18:00 UTC）の最初の40分間　823件（毎時約1,234件）');
    expect(en).toContain(
      'first 40 minutes of 19 Nov 18:00-19:00 UTC (20 Nov 03:00 JST): 823 events (about 1,234 an hour)',
    );
    expect(ja).not.toContain('直近1時間');
  });

  it('says nothing the finding does not hold: no ratio against an empty baseline, no onset or peak it lacks', () => {
    const bare: ElevatedFinding = {
      ...finding,
      currentSources: 1,
      baseline: { mean: 0, sd: 0, upper: 0, lower: 0, hours: 48 },
      ratio: null,
      onset: null,
      peak: null,
    };
    const { ja, en } = parts(kinds.advisory.render({ ...input, finding: bare }).text);
    expect(ja).toContain('増加前の平常時の水準の（ほぼゼロ）を大きく上回る値です。');
    expect(ja).not.toMatch(/倍|増加開始|ピーク/);
    expect(ja).toContain('送信元が限られていることから');
    expect(en).toContain('far above our normal level');
    expect(en).not.toMatch(/\dx\b|rise began:|peak in/);
  });

  it('takes the strictest of the list default and our own label', () => {
    const strict = validateConfig({ ...config, operator: { tlp: 'AMBER+STRICT' }, draft: {} });
    const d = kinds.advisory.render({ ...input, config: strict });
    expect(d.tlp).toBe('AMBER+STRICT');
    expect(d.subject.startsWith('[TLP:AMBER+STRICT] ')).toBe(true);
  });

  it('passes the outbound gate to the list, Japanese intact', async () => {
    const d = kinds.advisory.render(input);
    const b = await new OutboundGate(config, memoryBook()).build({
      ...d,
      draftMessageId: d.messageId,
      automatic: false,
      charset: 'iso-2022-jp',
    });
    expect(b.problems).toEqual([]);
    expect(b.audience).toBe('list');
    const m = await simpleParser(b.raw);
    expect(m.subject).toBe(d.subject);
    expect(m.text).toContain('直近1時間：11月20日 3時台（JST、11月19日 18:00 UTC）');
  });

  it('is prepared through the gate like any draft: a file in the outbox, a review request', async () => {
    const store = openTestStore();
    try {
      const p = contextFor(config, store);
      const d = kinds.advisory.render(input);
      const prepared = await prepareDraft(p, d, kinds.advisory.fileName!(input, d));
      expect(prepared.refused).toBeNull();
      expect(prepared.automatic).toBe(false);
      expect(prepared.path && basename(prepared.path)).toMatch(/^advisory-20261119-tcp23-[0-9a-f]{8}\.eml$/);
      expect(dirname(prepared.path!)).toBe(config.draft.outbox);
      expect(readFileSync(prepared.path!)).toEqual(prepared.eml);
      expect(prepared.eml.toString('latin1')).toMatch(/^X-Kansoku-Kind: advisory\r$/m);
      expect(prepared.reviewToken).toMatch(/^KS-/);
      expect(prepared.request).not.toBeNull();
    } finally {
      store.close();
    }
  });
});
