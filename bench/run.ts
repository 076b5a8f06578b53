/**
 * Prints how fast each stage runs on this machine. It asserts nothing: speed is measured here,
 * not in tests. Run with `npm run bench`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Readable } from 'node:stream';
import { validateConfig } from '../src/config/load.ts';
import { importStream } from '../src/counters/import.ts';
import { correlate, reportTime } from '../src/correlate/correlate.ts';
import { renderReply } from '../src/draft/reply.ts';
import { OwnNetworks } from '../src/extract/notations.ts';
import { OutboundGate } from '../src/outbound/gate.ts';
import { memoryBook } from '../src/outbound/redact.ts';
import { formats } from '../src/extract/formats/registry.ts';
import { parseRecord } from '../src/extract/loglines.ts';
import { extractReport } from '../src/extract/report.ts';
import { createLogger } from '../src/log.ts';
import { parsePost } from '../src/mail/parse.ts';
import { Store } from '../src/store/index.ts';

const root = resolve(import.meta.dirname, '..');
const demo = (...p: string[]) => resolve(root, 'fixtures', 'demo', ...p);
const config = validateConfig({ operator: { networks: ['198.51.100.0/24'] } });
const time = { reference: new Date('2026-11-21T00:00:00Z'), zone: 'UTC' };

function rate(label: string, n: number, ms: number, unit: string): void {
  console.log(
    `${label.padEnd(44)} ${Math.round((n / ms) * 1000)
      .toLocaleString('en-US')
      .padStart(12)} ${unit}/s   (${n.toLocaleString('en-US')} in ${ms.toFixed(0)} ms)`,
  );
}

async function time_<T>(fn: () => Promise<T> | T): Promise<[T, number]> {
  const t0 = performance.now();
  const r = await fn();
  return [r, performance.now() - t0];
}

const opts = { zone: 'UTC', maxScanChars: 512 * 1024, maxLineChars: 4096 };

// Log line parsing, per format, on each format's own fixture lines repeated.
for (const f of formats) {
  const cases = JSON.parse(readFileSync(resolve(root, 'fixtures', 'formats', f.id, 'cases.json'), 'utf8')) as Array<{
    text: string;
  }>;
  const lines = Array.from({ length: 200_000 }, (_, i) => cases[i % cases.length]!.text);
  const [, ms] = await time_(() => {
    let hint;
    for (const l of lines) hint = parseRecord(l, time, hint)?.format ?? hint;
  });
  rate(`parse ${f.id} lines (registry, with hint)`, lines.length, ms, 'lines');
}

// Extraction on a realistic mix: the demo posts, our posts in the styles of the seed documents, and
// posts quoting our log samples (two to a post, quoted and wrapped as mailers do).
{
  const dir = demo('maildir', 'cur');
  const parsed = await Promise.all(readdirSync(dir).map((f) => parsePost(readFileSync(resolve(dir, f)))));
  // Our own posts in the seeds' styles, and our own log samples: the bench runs in a plain clone.
  const seeds = readdirSync(resolve(root, 'fixtures', 'posts'))
    .filter((f) => f.endsWith('.txt'))
    .map((f) => readFileSync(resolve(root, 'fixtures', 'posts', f), 'utf8'));
  const corpus = JSON.parse(readFileSync(resolve(root, 'fixtures', 'samples', 'logformats.json'), 'utf8')) as Array<{
    line: string;
  }>;
  const quoted: string[] = [];
  for (let i = 0; i < corpus.length; i += 2) {
    const lines = corpus.slice(i, i + 2).map((c) =>
      c.line
        .split('\n')
        .map((l) => `> ${l}`)
        .join('\n'),
    );
    quoted.push(`Folks,\nwe see a rise on these ports, anyone else?\n\n${lines.join('\n>\n')}\n`);
  }
  const mix = [...parsed.map((p) => p.text), ...seeds, ...quoted];
  const rounds = 50;
  const [lines, ms] = await time_(() => {
    let n = 0;
    for (let r = 0; r < rounds; r++)
      for (const text of mix) n += extractReport({ ...parsed[0]!, text, subject: '' }, opts).logLines.length;
    return n;
  });
  rate(`extract, realistic mix (${mix.length} posts)`, mix.length * rounds, ms, 'posts');
  rate('extract, realistic mix: log lines found', lines, ms, 'lines');
}

// Counters import of the demo sensor log into an in-memory store, repeated to 100k lines.
{
  const text = readFileSync(demo('sensor.log'), 'utf8');
  const copies = 10;
  const input = Array.from({ length: copies }, (_, i) => text.replaceAll('sensor1', `sensor${i}`)).join('');
  const store = Store.open(':memory:');
  const [r, ms] = await time_(() =>
    importStream(
      store,
      'bench',
      Readable.from([input]),
      { zone: 'UTC', maxLineChars: 4096, sensor: 'bench', keepRecent: true },
      createLogger('silent'),
    ),
  );
  rate('counters import (parse + hourly rollup + store)', r.lines, ms, 'lines');

  // Posts: parse + extract, correlate, draft, on the demo maildir.
  const dir = demo('maildir', 'cur');
  const raws = readdirSync(dir).map((f) => readFileSync(resolve(dir, f)));
  const rounds = 200;
  const [posts, msParse] = await time_(async () => {
    const out = [];
    for (let i = 0; i < rounds; i++) for (const raw of raws) out.push(await parsePost(raw));
    return out;
  });
  rate('mail parse (mailparser, skip options)', posts.length, msParse, 'msgs');
  const [reports, msExtract] = await time_(() => posts.map((p) => extractReport(p, opts)));
  rate('extract (quoting, records, ports, counts)', reports.length, msExtract, 'msgs');
  const withPorts = reports.filter((x) => x.ports.length);
  const [findings, msCorr] = await time_(() =>
    withPorts.map((x) => correlate(x, store.counters, reportTime(x), config.correlate)),
  );
  rate('correlate (7-day lookback, 48 h band)', findings.length, msCorr, 'reports');
  const gate = new OutboundGate(config, memoryBook());
  const [, msDraft] = await time_(async () => {
    for (let i = 0; i < withPorts.length; i++) {
      const p = posts[reports.indexOf(withPorts[i]!)]!;
      const d = renderReply({ post: p, report: withPorts[i]!, findings: findings[i]!, config });
      await gate.build({ ...d, draftMessageId: d.messageId, automatic: false, charset: 'utf-8' });
    }
  });
  rate('draft (render JA+EN, outbound gate: redact, MIME, check)', withPorts.length, msDraft, 'drafts');

  // The gate's scanner reads every outgoing text and every post for our own networks: 1 MB of
  // mixed prose, logs, Japanese and addresses in many notations, after a warm-up.
  const chunk =
    'Hello all, since 2026-11-20 10:15:30 JST we see a sharp increase of scans on TCP/5000 from many sources.\n' +
    '> Are others seeing this? Version 1.2.3.4 of the sensor, message-id <20261120.GA123@mail.example.jp>\n' +
    '2026-11-20T10:15:30+09:00 DROP 8.8.8.8:53 -> 198.51.100.50:5000 proto=6 len=60 id=c6336432\n' +
    'アドレス２０３．０．１１３．７からの通信が増えています。ご確認ください。よろしくお願いします。\n' +
    'inside:2001:db8:100::25/5000 fe80::1%eth0 deadbeef cafe 0x1f 12345678 50.100.51.198.in-addr.arpa\n' +
    'The quick brown fox jumps over the lazy dog near 198.51.\n' +
    '> 100.51 and 192.0.2.1, see https://example.jp/a/b?c=d\n';
  const mb = chunk.repeat(Math.ceil(1_000_000 / chunk.length));
  const own = new OwnNetworks(['198.51.100.0/24', '203.0.113.0/24', '2001:db8:100::/48']);
  own.find(mb.slice(0, 100_000));
  const [, msFind] = await time_(() => own.find(mb));
  rate('own networks in any notation (1 MB of text)', mb.length, msFind, 'chars');
  store.close();
}
