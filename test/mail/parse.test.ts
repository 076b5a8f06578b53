import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parsePost } from '../../src/mail/parse.ts';
import { extractReport } from '../../src/extract/report.ts';
import { automaticReason } from '../../src/mail/automatic.ts';
import { fixture, shared } from '../helpers/paths.ts';

const load = (name: string) => parsePost(readFileSync(fixture('mail', name)));

describe('Japanese charsets', () => {
  const sameText = [
    ...['iso-2022-jp.eml', 'shift_jis.eml', 'euc-jp.eml', 'utf-8.eml'],
    // 8-bit bytes labelled ISO-2022-JP, in the body and in the header's encoded words.
    ...['euc-jp-labelled-iso-2022-jp.eml', 'shift_jis-labelled-iso-2022-jp.eml'],
  ];
  for (const name of sameText) {
    it(`${name}: subject, sender name and body decode to the same Japanese text`, async () => {
      const p = await load(name);
      expect(p.subject).toBe('【情報共有】tcp/5000 宛てスキャンの増加');
      expect(p.from).toEqual({ address: 'jp@example.org', name: '山田 太郎' });
      expect(p.text).toContain('当方のセンサーでも tcp/5000 宛てのSYNスキャンが増えています。');
      expect(p.text).toContain('送信元は約1,200ホストです。');
    });
  }

  it('decodes ISO-2022-JP that carries no charset label', async () => {
    const p = await load('iso-2022-jp-unlabelled.eml');
    expect(p.text).toContain('SYNスキャンが増えています');
    expect(p.text).not.toContain('\x1b');
  });

  it('reads a real EUC-JP list post labelled ISO-2022-JP (SpamAssassin corpus)', async () => {
    const p = await parsePost(readFileSync(shared('corpus', 'mail', 'spamassassin-cjk-iso-2022-jp.2.eml')));
    expect(p.text).toContain('ああ、心当たりがあります。たぶん、この前のsshと同じ問題です。');
  });
});

describe('headers', () => {
  it('keeps Message-ID, List-Id and Date', async () => {
    const p = await load('iso-2022-jp.eml');
    expect(p.messageId).toBe('<iso-2022-jp@example.org>');
    expect(p.listId).toBe('nsp-sec-jp.example.net');
    expect(p.date).toBe('2026-11-20T01:00:00.000Z');
  });

  it('gives a message without Message-ID a stable key from its content', async () => {
    const a = await load('attachment-no-message-id.eml');
    const b = await load('attachment-no-message-id.eml');
    expect(a.messageIdSynthetic).toBe(true);
    expect(a.messageId).toMatch(/^<sha256-[0-9a-f]{32}@kansoku\.invalid>$/);
    expect(a.messageId).toBe(b.messageId);
  });
});

describe('bodies', () => {
  it('converts HTML-only mail to text', async () => {
    const p = await load('html-only.eml');
    expect(p.text).toContain('port 5060 UDP');
    expect(p.text).not.toContain('<b>');
    const r = extractReport(p, { zone: 'UTC', maxScanChars: 1e6, maxLineChars: 4096 });
    expect(r.ports.map((x) => `${x.proto}/${x.port}`)).toEqual(['udp/5060']);
  });

  it('reads log lines from a .log attachment', async () => {
    const p = await load('attachment-no-message-id.eml');
    expect(p.attachments).toHaveLength(1);
    expect(p.attachments[0]!.filename).toBe('fw.log');
    const r = extractReport(p, { zone: 'UTC', maxScanChars: 1e6, maxLineChars: 4096 });
    expect(r.logLines).toHaveLength(2);
    expect(r.ports.map((x) => `${x.proto}/${x.port}`)).toEqual(['tcp/2323']);
  });
});

describe('the shared corpus of real-world mail', () => {
  const dir = shared('corpus', 'mail');
  const files = readdirSync(dir).filter((f) => f.endsWith('.eml'));
  const index = JSON.parse(readFileSync(`${dir}/index.json`, 'utf8')) as Array<{ file: string; kind: string }>;
  const kind = new Map(index.map((r) => [r.file, r.kind]));

  it('holds the 196 messages we expect', () => {
    expect(files.length).toBe(196);
  });

  it('parses and extracts every message without throwing', async () => {
    const failures: string[] = [];
    for (const f of files) {
      try {
        const p = await parsePost(readFileSync(`${dir}/${f}`));
        extractReport(p, { zone: 'UTC', maxScanChars: 512 * 1024, maxLineChars: 4096 });
      } catch (err) {
        failures.push(`${f}: ${(err as Error).message}`);
      }
    }
    expect(failures).toEqual([]);
  }, 60_000);

  it('recognises bounces and auto-replies as automatic mail', async () => {
    const missed: string[] = [];
    for (const f of files) {
      const k = kind.get(f);
      if (k !== 'bounce' && k !== 'autoreply') continue;
      const p = await parsePost(readFileSync(`${dir}/${f}`));
      if (!automaticReason(p, 'kansoku@isp.example')) missed.push(f);
    }
    // A few are plain notices with no machine-readable mark (a localised "Automatic reply" subject).
    const automatic = files.filter((f) => kind.get(f) === 'bounce' || kind.get(f) === 'autoreply').length;
    expect(missed.length / automatic).toBeLessThan(0.1);
  }, 60_000);
});
