import { gzipSync, zipSync, strToU8 } from 'fflate';
import fc from 'fast-check';
import MailComposer from 'nodemailer/lib/mail-composer';
import { describe, expect, it } from 'vitest';
import { extractReport } from '../../src/extract/report.ts';
import { parsePost } from '../../src/mail/parse.ts';
import { post } from '../helpers/post.ts';

const opts = { zone: 'UTC', maxScanChars: 512 * 1024, maxLineChars: 4096 };
const logLines = [
  '"timestamp","protocol","src_ip","src_port","src_asn","src_geo","src_region","src_city","src_hostname",' +
    '"src_naics","src_sector","device_vendor","device_type","device_model","dst_ip","dst_port"',
  '"2026-11-20 00:00:01","tcp","192.0.2.1",40001,64500,"JP","TOKYO","TOKYO",,,,,,,,5000',
  '"2026-11-20 00:00:02","tcp","192.0.2.2",40002,64500,"JP","TOKYO","TOKYO",,,,,,,,5000',
].join('\n');

async function mail(attachments: Array<{ filename: string; content: Buffer; contentType?: string }>): Promise<Buffer> {
  return new MailComposer({
    from: 'a@example.org',
    to: 'l@example.net',
    subject: 'report attached',
    messageId: '<att@example.org>',
    text: 'Shadowserver report attached.',
    attachments,
  })
    .compile()
    .build();
}

describe('archive attachments', () => {
  it('reads a Shadowserver-style CSV inside a .zip, driven by its header', async () => {
    const zip = Buffer.from(zipSync({ 'report.csv': strToU8(logLines), 'readme.bin': new Uint8Array(10) }));
    const p = await parsePost(await mail([{ filename: '2026-11-20-scan_darknet.zip', content: zip }]));
    expect(p.attachments.map((a) => a.filename)).toEqual(['2026-11-20-scan_darknet.zip/report.csv']);
    const r = extractReport(p, opts);
    expect(r.logLines.map((l) => `${l.format} ${l.src}->${l.dpt}`)).toEqual([
      'shadowserver 192.0.2.1->5000',
      'shadowserver 192.0.2.2->5000',
    ]);
  });

  it('reads a gzip-compressed log', async () => {
    const gz = Buffer.from(gzipSync(strToU8(logLines)));
    const p = await parsePost(
      await mail([{ filename: 'report.csv.gz', content: gz, contentType: 'application/gzip' }]),
    );
    expect(extractReport(p, opts).logLines).toHaveLength(2);
  });

  it('does not open a decompression bomb, and says so', async () => {
    const bomb = Buffer.from(gzipSync(new Uint8Array(60 * 1024 * 1024)));
    const p = await parsePost(await mail([{ filename: 'huge.log.gz', content: bomb }]));
    expect(p.attachments).toEqual([]);
    expect(p.warnings.join('\n')).toMatch(/huge\.log\.gz: expands past/);
  });

  it('caps the number of entries of a zip', async () => {
    const files = Object.fromEntries(Array.from({ length: 80 }, (_, i) => [`f${i}.log`, strToU8('x')]));
    const p = await parsePost(await mail([{ filename: 'many.zip', content: Buffer.from(zipSync(files)) }]));
    expect(p.attachments).toHaveLength(50);
    expect(p.warnings.some((w) => w.includes('over the archive caps'))).toBe(true);
  });

  it('survives a broken archive', async () => {
    const p = await parsePost(
      await mail([{ filename: 'broken.zip', content: Buffer.from('PK\x03\x04 not really a zip') }]),
    );
    expect(p.warnings.join()).toMatch(/not a readable archive/);
  });
});

describe('hostile input', () => {
  it('handles a 10 MB post', async () => {
    const line =
      'Nov 20 00:00:01 fw kernel: DROP IN=eth0 OUT= SRC=192.0.2.9 DST=198.51.100.1 LEN=40 PROTO=TCP SPT=1 DPT=23 ' +
      'WINDOW=1 RES=0x00 SYN URGP=0\n';
    const text = `tcp/23 is up.\n${line.repeat(Math.ceil((10 * 1024 * 1024) / line.length))}`;
    const p = await parsePost(
      Buffer.from(`From: a@example.org\r\nSubject: big\r\nMessage-ID: <big@example.org>\r\n\r\n${text}`),
    );
    const r = extractReport(p, opts);
    expect(r.ports.map((x) => `${x.proto}/${x.port}`)).toEqual(['tcp/23']);
    // Only the first maxScanChars are read: the rest of a pasted 10 MB log is not a post.
    expect(r.logLines.length).toBeLessThan(5000);
  });

  it('never throws on random or mutated posts (fast-check)', () => {
    const seeds = [
      'Folks, unusual increase of sources contacting tcp/5000 (3,400 distinct sources). Are others seeing this?',
      '> 01-11-2005 01:42:22 0005a1f4 220.192.110.239 4117 A.B.C.50 5000 TCP\n> -S------ 1296947564 0',
      'TCP/UDPポート137でスキャン増加。送信元は約1,200ホスト。昨日夕方頃から。',
      '%ASA-2-106001: Inbound TCP connection denied from 192.0.2.1/54322 to 198.51.100.2/1433 ' +
        'flags SYN on interface outside',
      '#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\n' +
        '1795165212.0\tCabcdefgh123\t192.0.2.1\t1\t198.51.100.1\t2\ttcp',
    ];
    const mutated = fc
      .tuple(
        fc.constantFrom(...seeds),
        fc.array(fc.tuple(fc.nat(), fc.string({ maxLength: 8 }), fc.nat({ max: 8 })), { maxLength: 6 }),
      )
      .map(([s, edits]) =>
        edits.reduce((t, [at, ins, del]) => {
          const i = at % (t.length + 1);
          return t.slice(0, i) + ins + t.slice(i + del);
        }, s),
      );
    const anything = fc.oneof(mutated, fc.string({ maxLength: 400 }), fc.string({ unit: 'binary', maxLength: 400 }));
    fc.assert(
      fc.property(anything, fc.string({ maxLength: 60 }), (text, subject) => {
        const r = extractReport(post(text, { subject }), opts);
        expect(Array.isArray(r.ports)).toBe(true);
        for (const p of r.ports) expect(p.port >= 0 && p.port <= 65535).toBe(true);
      }),
      { numRuns: 1500 },
    );
  });

  it('never throws on random bytes as a message (fast-check)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 2000 }), async (bytes) => {
        try {
          extractReport(await parsePost(Buffer.from(bytes)), opts);
        } catch (err) {
          expect((err as { code?: string }).code).toBe('MESSAGE_UNPARSABLE');
        }
      }),
      { numRuns: 300 },
    );
  });
});
