import { readFileSync } from 'node:fs';
import { simpleParser } from 'mailparser';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/config/load.ts';
import { correlate } from '../../src/correlate/correlate.ts';
import { kinds } from '../../src/draft/kinds.ts';
import { OutboundGate } from '../../src/outbound/gate.ts';
import { memoryBook, Redactor } from '../../src/outbound/redact.ts';
import { OwnNetworks } from '../../src/extract/notations.ts';
import type { DraftMessage } from '../../src/model.ts';
import { dateTimeEn, dateTimeJa, hourEn, hourJa } from '../../src/draft/format.ts';
import { extractReport } from '../../src/extract/report.ts';
import { parsePost } from '../../src/mail/parse.ts';
import { fixture } from '../helpers/paths.ts';
import { post } from '../helpers/post.ts';
import { sensorLines, storeWith } from '../helpers/sensor.ts';

const config = validateConfig({
  identity: { from: 'Ops <kansoku@isp.example>', nameJa: 'テストISP運用チーム', nameEn: 'Test ISP ops' },
  operator: { networks: ['198.51.100.0/24', '2001:db8:1::/48'], tlp: 'GREEN' },
  lists: [
    { name: 'nsp-sec-jp', listId: 'nsp-sec-jp.example.net', address: 'nsp-sec-jp@example.net', defaultTlp: 'AMBER' },
  ],
});

/** A draft as the outbound gate builds it for the list: redacted, encoded, checked. */
async function built(d: DraftMessage) {
  const b = await new OutboundGate(config, memoryBook()).build({
    ...d,
    draftMessageId: d.messageId,
    automatic: false,
    charset: 'utf-8',
    date: new Date('2026-11-20T02:00:00Z'),
  });
  expect(b.problems).toEqual([]);
  return b;
}

/** A reply drafted against a rising tcp/5000; `ownEvents: false` as a store that keeps no raw events would. */
async function draftFor(text: string, over: Parameters<typeof post>[1] = {}, ownEvents = true) {
  const p = post(text, { subject: '[nsp-sec-jp] tcp/5000 scanning', date: '2026-11-20T01:15:00.000Z', ...over });
  const report = extractReport(p, { zone: 'UTC', maxScanChars: 1e6, maxLineChars: 4096 });
  const store = await storeWith(
    sensorLines({
      start: '2026-11-15T00:00:00Z',
      hours: 122,
      port: 5000,
      perHour: (h) => (h < 112 ? 3 + (h % 3) : 48),
      src: (h, i) => (h === 118 && i === 0 ? '203.0.113.5' : `192.0.2.${i + 1}`),
    }),
  );
  const judged = correlate(report, store.counters, new Date(p.date!), config.correlate);
  const findings = ownEvents ? judged : judged.map((f) => ({ ...f, evidence: null }));
  return { draft: kinds.reply.render({ post: p, report, findings, config }), findings };
}

describe('times in both languages', () => {
  it('gives JST first with UTC in the Japanese part, UTC first in the English part', () => {
    expect(dateTimeJa('2026-11-21T03:30:00Z', 'Asia/Tokyo')).toBe('2026年11月21日（土）12:30 JST（03:30 UTC）');
    expect(dateTimeEn('2026-11-21T03:30:00Z', 'Asia/Tokyo')).toBe('Sat 21 Nov 2026 03:30 UTC (12:30 JST)');
    expect(hourJa('2026-11-20T01:00:00Z', 'Asia/Tokyo')).toBe('11月20日 10時台（JST、01:00 UTC）');
    expect(hourEn('2026-11-20T01:00:00Z', 'Asia/Tokyo')).toBe('20 Nov 01:00-02:00 UTC (10:00 JST)');
  });

  it('gives the date in each zone where JST and UTC fall on different days', () => {
    expect(dateTimeJa('2026-11-20T15:30:00Z', 'Asia/Tokyo')).toBe(
      '2026年11月21日（土）00:30 JST（11月20日 15:30 UTC）',
    );
    expect(dateTimeEn('2026-11-20T15:30:00Z', 'Asia/Tokyo')).toBe('Fri 20 Nov 2026 15:30 UTC (21 Nov 00:30 JST)');
    expect(hourJa('2026-11-19T18:00:00Z', 'Asia/Tokyo')).toBe('11月20日 3時台（JST、11月19日 18:00 UTC）');
    expect(hourEn('2026-11-19T23:00:00Z', 'Asia/Tokyo')).toBe('19 Nov 23:00-00:00 UTC (20 Nov 08:00 JST)');
    // New Year's Eve in UTC is New Year's Day in Tokyo.
    expect(hourJa('2026-12-31T15:00:00Z', 'Asia/Tokyo')).toBe('1月1日 0時台（JST、12月31日 15:00 UTC）');
  });

  it('says the same instant in both zones, for every hour of a year (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 24 * 366 }), (h) => {
        const iso = new Date(Date.UTC(2026, 0, 1) + h * 3_600_000).toISOString();
        const ja = hourJa(iso, 'Asia/Tokyo');
        const utc = new Date(iso);
        const jst = new Date(utc.getTime() + 9 * 3_600_000);
        expect(ja.startsWith(`${jst.getUTCMonth() + 1}月${jst.getUTCDate()}日 ${jst.getUTCHours()}時台`)).toBe(true);
        const utcDay = jst.getUTCDate() === utc.getUTCDate() ? '' : `${utc.getUTCMonth() + 1}月${utc.getUTCDate()}日 `;
        expect(ja).toContain(`（JST、${utcDay}${String(utc.getUTCHours()).padStart(2, '0')}:00 UTC）`);
      }),
    );
  });
});

describe('the reply draft', () => {
  it('is threaded to the post, with one "Re:" and the port in the subject', async () => {
    const { draft } = await draftFor('Are others seeing tcp/5000?', {
      messageId: '<p1@example.org>',
      references: ['<p0@example.org>'],
    });
    expect(draft.inReplyTo).toBe('<p1@example.org>');
    expect(draft.references).toEqual(['<p0@example.org>', '<p1@example.org>']);
    expect(draft.subject).toBe('[TLP:AMBER] Re: [nsp-sec-jp] tcp/5000 scanning');
    expect(draft.to).toBe('nsp-sec-jp@example.net');
    const again = await draftFor('Are others seeing tcp/5000?', {
      messageId: '<p1@example.org>',
      subject: 'Re: [nsp-sec-jp] tcp/5000 scanning',
    });
    expect(again.draft.subject).toBe('[TLP:AMBER] Re: [nsp-sec-jp] tcp/5000 scanning');
    expect(again.draft.messageId).toBe(draft.messageId);
  });

  it('names the poster by their address when their display name would put a label or bidi tricks in ours', async () => {
    const named = async (name: string) =>
      (await draftFor('Are others seeing tcp/5000?', { from: { address: 'mallory@abc-net.example', name } })).draft
        .text;
    const labelled = await named('TLP:CLEAR Mallory');
    expect(labelled).not.toContain('CLEAR');
    expect(labelled).toContain('mallory@abc-net.example');
    const turned = await named('\u202eyrollaM\u202c');
    expect(turned).toContain('yrollaM');
    expect(turned).not.toMatch(/[\u202a-\u202e\u2066-\u2069]/);
    expect(await named('佐藤 一郎')).toContain('佐藤 一郎さんご報告');
  });

  it('names the port in the subject when the post did not', async () => {
    const { draft } = await draftFor('we see tcp/5000 too', { subject: 'scanning question' });
    expect(draft.subject).toContain('(5000/tcp)');
  });

  it('is short, as members reply: the answer first, Japanese before English, no advisory layout', async () => {
    const { draft } = await draftFor('Are others seeing tcp/5000?');
    const [ja, en] = draft.text.split(/^-{60}$/m);
    expect(ja).toMatch(/^TLP:AMBER.*\n\nnsp-sec-jp各位、\n\n.+です。\n\n/);
    expect(ja).toContain('さんご報告の5000/tcpの件、当方でも同様の増加を観測しています。');
    expect(en).toMatch(/Re .+'s report on 5000\/tcp: we are seeing this too\./);
    for (const part of [ja!, en!]) {
      expect(part.split('\n').filter((l) => l.trim()).length).toBeLessThanOrEqual(20);
      expect(part).not.toMatch(/【概要】|【検知方法】|How to detect|tcpdump/);
    }
  });

  it('gives the numbers the correlation found, in both parts', async () => {
    const { draft, findings } = await draftFor('Are others seeing tcp/5000?');
    expect(findings[0]!.verdict).toBe('elevated');
    expect(draft.text).toContain(`は${findings[0]!.current}件と`);
    expect(draft.text).toContain(`had ${findings[0]!.current} events`);
    expect(draft.text).toContain('5000/tcp：11月20日 1時台（JST、11月19日 16:00 UTC）から増加しています。');
    expect(draft.text).toContain('5000/tcp: rising since 19 Nov 16:00-17:00 UTC (20 Nov 01:00 JST).');
  });

  it('never shows our own networks in clear, and replaces them consistently', async () => {
    const text = [
      'We saw 198.51.100.50 and 198.51.100.7 probed on tcp/5000, and 2001:db8:1::25 too.',
      'Nov 20 00:41:07 fw kernel: DROP IN=eth0 OUT= SRC=192.0.2.9 DST=198.51.100.50 LEN=44 PROTO=TCP ' +
        'SPT=4117 DPT=5000 WINDOW=1024 RES=0x00 SYN URGP=0',
    ].join('\n');
    // The reply echoes the post's subject: redacted as everything else.
    const subject = '[nsp-sec-jp] tcp/5000 probes on 198.51.100.50 and 2001:db8:1::25';
    const draft = await built((await draftFor(text, { subject })).draft);
    expect(draft.text).not.toMatch(/198\.51\.100\.\d/);
    expect(draft.subject).toContain('probes on A.B.C.50 and');
    expect(draft.subject).not.toContain('2001:db8:1:');
    // A reported source we saw too is named: it is not ours.
    expect(draft.text).toContain('192.0.2.9');
    expect(draft.raw.toString('latin1')).not.toContain('198.51.100.');
    const r = new Redactor(new OwnNetworks(['198.51.100.0/24']), memoryBook());
    expect(r.redact('198.51.100.50 198.51.100.7 198.51.100.50')).toBe('A.B.C.50 A.B.C.7 A.B.C.50');
  });

  it('carries the strictest TLP of its sources, never below the list default', async () => {
    expect((await draftFor('TLP:RED tcp/5000')).draft.tlp).toBe('RED');
    expect((await draftFor('TLP:CLEAR tcp/5000')).draft.tlp).toBe('AMBER');
    expect((await draftFor('tcp/5000')).draft.tlp).toBe('AMBER');
    expect((await draftFor('tcp/5000', { listId: null })).draft.tlp).toBe('AMBER');
  });

  it('is valid MIME that a mail client reads back, Japanese intact', async () => {
    const { draft } = await draftFor('Are others seeing tcp/5000?', { messageId: '<p9@example.org>' });
    const parsed = await simpleParser((await built(draft)).raw);
    expect(parsed.subject).toBe(draft.subject);
    expect(parsed.messageId).toBe(draft.messageId);
    expect(parsed.inReplyTo).toBe('<p9@example.org>');
    expect(parsed.headers.get('x-kansoku-draft')).toBe(draft.messageId.replace(/[<>]/g, ''));
    expect(parsed.text?.trim()).toBe(draft.text.trim());
    expect(parsed.text).toContain('当方でも同様の増加を観測しています。');
  });
});

describe('a not-seen port', () => {
  it('says so plainly instead of calling it normal', async () => {
    const p = await parsePost(readFileSync(fixture('demo', 'maildir', 'cur', '1763640300.M4P100.demo:2,S')));
    const report = extractReport(p, { zone: 'UTC', maxScanChars: 1e6, maxLineChars: 4096 });
    const store = await storeWith(
      sensorLines({ start: '2026-11-15T00:00:00Z', hours: 140, port: 22, perHour: () => 4 }),
    );
    const findings = correlate(report, store.counters, new Date(p.date!), config.correlate);
    expect(findings.map((f) => `${f.proto}/${f.port}:${f.verdict}`)).toEqual(['udp/6585:not-seen']);
    const d = kinds.reply.render({ post: p, report, findings, config });
    expect(d.text).toContain('当方のセンサーでは6585/udp宛ての通信は1件も記録されていません。');
    expect(d.text).toContain('our sensor has recorded nothing at all to 6585/udp');
  });
});
