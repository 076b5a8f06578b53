import { gzipSync, strToU8, unzipSync, zipSync } from 'fflate';
import fc from 'fast-check';
import MailComposer from 'nodemailer/lib/mail-composer';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../../src/config/schema.ts';
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

/** A zip of one file that declares it expands to `declared` bytes (the local and central headers both say so). */
function lyingZip(name: string, data: Uint8Array, declared: number): Buffer {
  const zip = Buffer.from(zipSync({ [name]: data }, { level: 9 }));
  zip.writeUInt32LE(declared, 22);
  const central = zip.readUInt32LE(zip.length - 22 + 16);
  zip.writeUInt32LE(declared, central + 24);
  return zip;
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
    expect(p.warnings.join('\n')).toMatch(/huge\.log\.gz: expands more than limits\.maxArchiveRatio \(200\)/);
    expect(p.text).toBe('Shadowserver report attached.');
  });

  it('measures a zip entry by what it expands to, not by the size it declares', async () => {
    const zip = lyingZip('scan.log', new Uint8Array(30 * 1024 * 1024).fill(0x41), 1000);
    expect(unzipSync(zip)['scan.log']).toHaveLength(1000);
    const p = await parsePost(await mail([{ filename: 'scan.zip', content: zip }]));
    expect(p.attachments).toEqual([]);
    expect(p.warnings).toEqual([expect.stringMatching(/^attachment scan\.zip: .* a decompression bomb; not read$/)]);
  });

  it('reads a zip entry past limits.maxArchiveBytes up to the cap, ending at a whole line', async () => {
    const zip = Buffer.from(zipSync({ 'report.csv': strToU8(`${logLines}\n${logLines}`) }));
    const limits = { ...DEFAULT_LIMITS, maxArchiveBytes: logLines.length + 50 };
    const p = await parsePost(await mail([{ filename: 'r.zip', content: zip }]), limits);
    const text = p.attachments[0]!.text;
    expect(text).toBe(`${logLines}\n`);
    expect(p.warnings).toEqual([
      `attachment r.zip: expands past limits.maxArchiveBytes (${limits.maxArchiveBytes}); ` +
        `r.zip/report.csv read to its first ${text.length} bytes`,
    ]);
    expect(extractReport(p, opts).logLines).toHaveLength(2);
  });

  it('caps the number of entries of a zip', async () => {
    const files = Object.fromEntries(Array.from({ length: 80 }, (_, i) => [`f${i}.log`, strToU8('x')]));
    const p = await parsePost(await mail([{ filename: 'many.zip', content: Buffer.from(zipSync(files)) }]));
    expect(p.attachments).toHaveLength(50);
    expect(p.warnings).toEqual(['attachment many.zip: 30 text files beyond limits.maxArchiveEntries (50) not read']);
  });

  it('leaves a text attachment over limits.maxAttachmentBytes unread, and says so', async () => {
    const limits = { ...DEFAULT_LIMITS, maxAttachmentBytes: 100 };
    const p = await parsePost(await mail([{ filename: 'fw.log', content: Buffer.from(logLines) }]), limits);
    expect(p.attachments).toEqual([]);
    expect(p.warnings).toEqual([
      `attachment fw.log: ${logLines.length} bytes, over limits.maxAttachmentBytes (100); not read`,
    ]);
  });

  it('survives a broken archive', async () => {
    const p = await parsePost(
      await mail([{ filename: 'broken.zip', content: Buffer.from('PK\x03\x04 not really a zip') }]),
    );
    expect(p.warnings.join()).toMatch(/not a readable archive/);
  });
});

describe('limits.maxDecompressedBytes: one budget for all attachments of a message', () => {
  const gz = Buffer.from(gzipSync(strToU8(`${logLines}\n`)));
  const many = (n: number) =>
    Array.from({ length: n }, (_, i) => ({ filename: `fw${i}.csv.gz`, content: gz, contentType: 'application/gzip' }));

  it('reads the attachments that fit, the next to its last whole line, and names the rest once', async () => {
    const each = logLines.length + 1;
    const limits = { ...DEFAULT_LIMITS, maxDecompressedBytes: 2 * each + 250 };
    const p = await parsePost(await mail(many(12)), limits);
    expect(p.attachments.map((a) => a.filename)).toEqual(['fw0.csv', 'fw1.csv', 'fw2.csv']);
    expect(p.attachments[2]!.text).toBe(`${logLines.split('\n')[0]}\n`);
    expect(p.warnings).toEqual([
      `attachment fw2.csv.gz: expands past limits.maxDecompressedBytes (${limits.maxDecompressedBytes}) for the ` +
        `whole message; fw2.csv read to its first ${p.attachments[2]!.text.length} bytes`,
      `9 attachments not read: limits.maxDecompressedBytes (${limits.maxDecompressedBytes}) spent on those before ` +
        'them (fw3.csv.gz, fw4.csv.gz, fw5.csv.gz, fw6.csv.gz, fw7.csv.gz, and 4 more)',
    ]);
    // The message is still answered from what was read.
    expect(extractReport(p, opts).logLines).toHaveLength(4);
  });

  it('spends the budget inside forwarded messages too', async () => {
    const inner = await mail(many(3));
    const limits = { ...DEFAULT_LIMITS, maxDecompressedBytes: logLines.length + 1 };
    const p = await parsePost(
      await mail([...many(1), { filename: 'fwd.eml', content: inner, contentType: 'message/rfc822' }]),
      limits,
    );
    expect(p.warnings).toEqual([expect.stringMatching(/^3 attachments not read: .*\(fw0\.csv\.gz, fw1/)]);
  });

  it('never reads more attachment text than the budget, whatever the attachments (fast-check)', async () => {
    const file = fc.record({
      filename: fc.constantFrom('a.log', 'b.csv.gz', 'c.zip', 'd.txt'),
      lines: fc.integer({ min: 0, max: 40 }),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(file, { maxLength: 6 }), fc.integer({ min: 1, max: 4000 }), async (files, budget) => {
        const attachments = files.map((f) => {
          const text = strToU8(`${logLines}\n`.repeat(f.lines));
          const content = f.filename.endsWith('.gz')
            ? gzipSync(text)
            : f.filename.endsWith('.zip')
              ? zipSync({ 'in.log': text })
              : text;
          return { filename: f.filename, content: Buffer.from(content) };
        });
        const p = await parsePost(await mail(attachments), { ...DEFAULT_LIMITS, maxDecompressedBytes: budget });
        const read = p.attachments.reduce((n, a) => n + Buffer.byteLength(a.text), 0);
        expect(read).toBeLessThanOrEqual(budget);
      }),
      { numRuns: 60 },
    );
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
