import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { extractReport } from '../../src/extract/report.ts';
import { parsePost } from '../../src/mail/parse.ts';
import { fixture } from '../helpers/paths.ts';

const opts = { zone: 'UTC', maxScanChars: 512 * 1024, maxLineChars: 4096 };
const read = async (name: string) => {
  const post = await parsePost(readFileSync(fixture('mail', name)));
  return { post, report: extractReport(post, opts) };
};

/** The partner's report that each carrier forwards: tcp/5000 named in its prose, three netfilter records. */
function readsTheForwardedReport(report: ReturnType<typeof extractReport>): void {
  expect(report.ports.map((p) => `${p.proto}/${p.port} ${[...p.from].sort().join('+')}`)).toEqual([
    'tcp/5000 log+prose',
  ]);
  expect(report.logLines.map((l) => `${l.format} ${l.src} ${l.dpt} ${l.flags}`)).toEqual([
    'netfilter 203.0.113.7 5000 S',
    'netfilter 203.0.113.41 5000 S',
    'netfilter 192.0.2.200 5000 S',
  ]);
  expect(report.scanTypes).toContain('syn-scan');
}

describe('forwarded reports', () => {
  it('reads a report attached as message/rfc822 to an "FW:" carrier that says only "FYI"', async () => {
    const { post, report } = await read('forwarded-report.eml');
    expect(post.text).not.toContain('tcp/5000');
    expect(post.attachments.map((a) => [a.filename, a.contentType])).toEqual([
      ['Scanning seen on our darknet since last night', 'message/rfc822'],
    ]);
    expect(post.warnings).toEqual([]);
    readsTheForwardedReport(report);
  });

  it('does not read the message a delivery report returns: it is the one that bounced, not a report', async () => {
    const carrier = readFileSync(fixture('mail', 'forwarded-report.eml'), 'latin1');
    const dsn = carrier
      .replace('From: Kenji Mori <mori@isp.example.jp>', 'From: Mail Delivery System <MAILER-DAEMON@isp.example.jp>')
      .replace(
        'multipart/mixed; boundary="=_carrier_="',
        'multipart/report; report-type=delivery-status; boundary="=_carrier_="',
      );
    const post = await parsePost(Buffer.from(dsn, 'latin1'));
    expect(post.auto.isBounce).toBe(true);
    expect(post.attachments).toEqual([]);
  });

  it('reads a report forwarded inline under "---------- Forwarded message ---------"', async () => {
    readsTheForwardedReport((await read('forwarded-inline-gmail.eml')).report);
  });

  it('reads a report forwarded inline, quoted, under "-----Original Message-----"', async () => {
    readsTheForwardedReport((await read('forwarded-inline-outlook.eml')).report);
  });
});
