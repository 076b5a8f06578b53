import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formats } from '../../src/extract/formats/registry.ts';
import { CORPUS_FORMATS, mismatches, type Sample } from '../../scripts/eval.ts';
import { findLogRecords } from '../../src/extract/loglines.ts';
import { blocks, unquote } from '../../src/extract/quoting.ts';
import { describeShared, fixture, shared, sharedAvailable } from '../helpers/paths.ts';

const time = { reference: new Date('2026-11-21T00:00:00Z'), zone: 'UTC' };

interface Case {
  name: string;
  text: string;
  /** The columns a header-driven format's header row named, for a row read by them. */
  columns?: string[];
  expected: Record<string, unknown> | null;
}

describe('the format registry', () => {
  it('has fixture cases for every registered format, and no fixtures for an unregistered one', () => {
    const dirs = readdirSync(fixture('formats')).sort();
    expect(dirs).toEqual(formats.map((f) => f.id).sort());
  });

  it('gives every format a unique id', () => {
    expect(new Set(formats.map((f) => f.id)).size).toBe(formats.length);
  });
});

for (const f of formats) {
  const cases = JSON.parse(readFileSync(fixture('formats', f.id, 'cases.json'), 'utf8')) as Case[];
  describe(`${f.id}`, () => {
    for (const c of cases) {
      it(c.name, () => {
        const got = f.sniff(c.text) ? f.parse(c.text, time, c.columns ?? null) : null;
        if (c.expected === null) {
          expect(got).toBeNull();
          return;
        }
        expect(got).not.toBeNull();
        expect(got).toMatchObject({ format: f.id, raw: c.text, ...c.expected });
      });
    }
    it('never throws on garbage', () => {
      for (const junk of [
        '',
        ' ',
        'SRC= DST= PROTO=',
        '%ASA-4-106023:',
        'rule 1/(match) > :',
        '01-01-2000 ',
        'x'.repeat(5000),
        '\u0000\uffff',
      ]) {
        expect(() => f.parse(junk, time)).not.toThrow();
      }
    });
  });
}

/** Samples in the corpus's shape: each read as one record, every stated field right. */
function samples(corpus: Sample[]) {
  it('maps every sample format to a registered module', () => {
    const ids = new Set(formats.map((f) => f.id as string));
    for (const s of corpus) expect(ids.has(CORPUS_FORMATS[s.format] ?? '?'), s.format).toBe(true);
  });

  for (const s of corpus) {
    it(`${s.format}: ${s.line.slice(0, 70).replace(/\n/g, '⏎')}`, () => {
      expect(mismatches(s)).toEqual([]);
    });
  }
}

const readSamples = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as Sample[];

describe('our samples of every format the public corpus covers (fixtures/samples/logformats.json)', () => {
  const own = readSamples(fixture('samples', 'logformats.json'));

  it('covers every corpus format name at least once', () => {
    expect(new Set(own.map((s) => s.format))).toEqual(new Set(Object.keys(CORPUS_FORMATS)));
  });

  samples(own);
});

describeShared('public samples in the shared corpus', () =>
  samples(sharedAvailable ? readSamples(shared('corpus', 'logformats.json')) : []),
);

describe('timestamps', () => {
  it('reads a syslog time without a year in the year that puts it just before the reference', async () => {
    const { netfilter } = await import('../../src/extract/formats/netfilter.ts');
    const line = (ts: string) =>
      `${ts} fw kernel: DROP IN=eth0 OUT= SRC=192.0.2.1 DST=198.51.100.1 LEN=40 PROTO=TCP SPT=1 DPT=2 ` +
      'WINDOW=1 RES=0x00 SYN URGP=0';
    const jan = { reference: new Date('2027-01-02T00:00:00Z'), zone: 'UTC' };
    expect(netfilter.parse(line('Dec 31 23:59:59'), jan)!.ts).toBe('2026-12-31T23:59:59Z');
    expect(netfilter.parse(line('Jan  1 00:00:01'), jan)!.ts).toBe('2027-01-01T00:00:01Z');
  });

  it('places a zoneless time in the configured zone', async () => {
    const { netfilter } = await import('../../src/extract/formats/netfilter.ts');
    const l =
      'Nov 20 09:00:00 fw kernel: DROP IN=eth0 OUT= SRC=192.0.2.1 DST=198.51.100.1 LEN=40 PROTO=TCP ' +
      'SPT=1 DPT=2 WINDOW=1 RES=0x00 SYN URGP=0';
    expect(netfilter.parse(l, { reference: new Date('2026-11-21T00:00:00Z'), zone: 'Asia/Tokyo' })!.ts).toBe(
      '2026-11-20T00:00:00Z',
    );
  });

  it('reads a zone named after the time as that zone, and one with an offset after it not as UTC', async () => {
    const { leadingTimestamp } = await import('../../src/extract/formats/timestamps.ts');
    const tokyo = { reference: new Date('2026-11-21T00:00:00Z'), zone: 'Asia/Tokyo' };
    expect(leadingTimestamp('2025-03-06 00:12:44 JST fw: x', tokyo)!.ts).toBe('2025-03-05T15:12:44Z');
    expect(leadingTimestamp('2025-03-06 00:12:44 UTC fw: x', tokyo)!.ts).toBe('2025-03-06T00:12:44Z');
    // ("UTC+9" is no UTC: the time is read as the configured zone's, not 9 hours off)
    expect(leadingTimestamp('2025-03-06 00:12:44 UTC+9 fw: x', tokyo)!.ts).toBe('2025-03-05T15:12:44Z');
  });

  it('reads the leading times routers write, keeping the text as written', async () => {
    const { leadingTimestamp } = await import('../../src/extract/formats/timestamps.ts');
    const jst = { reference: new Date('2026-06-20T00:00:00Z'), zone: 'Asia/Tokyo' };
    for (const [text, ts, tsText] of [
      ['2026/06/03 11:02:31: LAN2 Rejected', '2026-06-03T02:02:31Z', '2026/06/03 11:02:31'],
      ['2026 Jun 14 09:12:55 user.notice awplus', '2026-06-14T00:12:55Z', '2026 Jun 14 09:12:55'],
      ['<134>Jun 14 09:12:55 fw', '2026-06-14T00:12:55Z', 'Jun 14 09:12:55'],
      ['2026-06-14T09:12:55+09:00 fw', '2026-06-14T00:12:55Z', '2026-06-14T09:12:55+09:00'],
    ])
      expect(leadingTimestamp(text!, jst), text).toMatchObject({ ts, tsText });
    for (const text of ['fw 2026/06/03 11:02:31', '2026 Foo 14 09:12:55 x', '2026/13/03 11:02:31 x'])
      expect(leadingTimestamp(text, jst)?.ts ?? null, text).toBeNull();
  });

  it('gives no time for an impossible date', async () => {
    const { ims } = await import('../../src/extract/formats/ims.ts');
    const e = ims.parse('02-30-2026 01:00:00 0000abcd 192.0.2.1 1 A.B.C.1 2 TCP -S------ 1 0', time);
    expect(e!.ts).toBeNull();
  });
});

describe('header-driven formats', () => {
  const read = (text: string) =>
    findLogRecords(
      blocks(unquote(text)).map((b) => b.lines),
      time,
      4096,
    ).events;

  it('follow a W3C #Fields header that reorders the columns', () => {
    const [e] = read(
      '#Fields: date time action protocol dst-ip src-ip dst-port src-port size tcpflags\n' +
        '2026-11-20 09:00:00 DROP TCP 198.51.100.1 192.0.2.1 23 40000 40 S',
    );
    expect(e).toMatchObject({ format: 'windows-firewall', src: '192.0.2.1', spt: 40000, dst: '198.51.100.1', dpt: 23 });
  });

  it("follow an IIS log's #Fields header, and read its default orders without one", () => {
    const headed = read(
      '#Software: Microsoft Internet Information Services 10.0\n' +
        '#Fields: date time s-ip cs-method cs-uri-stem s-port c-ip sc-status\n' +
        '2024-06-11 09:00:01 192.0.2.8 POST /autodiscover/autodiscover.json 443 203.0.113.40 404',
    );
    expect(headed).toMatchObject([{ format: 'iis-w3c', src: '203.0.113.40', dst: '192.0.2.8', dpt: 443 }]);
    const nimda = read('2002-03-04 08:12:33 198.51.100.12 - 203.0.113.25 80 GET /scripts/root.exe /c+dir 404 -');
    expect(nimda).toMatchObject([{ format: 'iis-w3c', src: '198.51.100.12', dst: '203.0.113.25', dpt: 80 }]);
  });

  it('follow a VPC custom format header, and the default v2 order without one', () => {
    const custom = read(
      'version srcaddr dstaddr dstport srcport protocol start action\n' +
        '5 192.0.2.2 198.51.100.2 22 41000 6 1795165200 REJECT',
    );
    expect(custom[0]).toMatchObject({
      format: 'aws-vpc-flow',
      src: '192.0.2.2',
      dpt: 22,
      spt: 41000,
      action: 'REJECT',
    });
  });

  it('follow a header indented with its lines, as a member pastes a log into a post', () => {
    const [e] = read(
      '    #fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\n' +
        '    1795165200.000000\tCa1b2c3d4e5f6\t192.0.2.9\t41000\t198.51.100.9\t23\ttcp',
    );
    expect(e).toMatchObject({ format: 'zeek-conn', src: '192.0.2.9', spt: 41000, dpt: 23 });
  });

  it('follow a header and a record that a mailer wrapped, each over several lines', () => {
    const [e] = read(
      [
        'version vpc-id subnet-id instance-id interface-id account-id type',
        'srcaddr dstaddr srcport dstport pkt-srcaddr pkt-dstaddr protocol bytes',
        'packets start end action tcp-flags log-status',
        '3 vpc-0a1b2c3d4e5f67890 subnet-0a1b2c3d4e5f67890 i-0123456789abcdef0',
        'eni-0a1b2c3d4e5f67890 123456789010 IPv4 192.0.2.3 198.51.100.3 41000',
        '2323 192.0.2.3 198.51.100.3 6 40 1 1795165200 1795165260 REJECT 2 OK',
      ].join('\n'),
    );
    expect(e).toMatchObject({ format: 'aws-vpc-flow', src: '192.0.2.3', spt: 41000, dpt: 2323, action: 'REJECT' });
  });

  it("follow conn.log's columns, not its usual order, when the #fields header has its tabs turned to blanks", () => {
    const events = read(
      [
        '#fields ts uid id.resp_h id.resp_p id.orig_h id.orig_p proto',
        '1796441523.120331  CkT3vd2Gq1pWq8rFZ7  192.0.2.130  502  198.51.100.75  51311  tcp',
      ].join('\n'),
    );
    expect(events.map((e) => [e.src, e.spt, e.dst, e.dpt])).toEqual([['198.51.100.75', 51311, '192.0.2.130', 502]]);
  });

  it('skip the #types line between a header and its rows', () => {
    const events = read(
      [
        '#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto',
        '#types\ttime\tstring\taddr\tport\taddr\tport\tenum',
        '1741680011.201934\tCHhAvVGS1DHFjwGM9\t198.51.100.60\t53214\t192.0.2.5\t3702\tudp',
      ].join('\n'),
    );
    expect(events.map((e) => [e.raw.split('\t')[0], e.dpt])).toEqual([['1741680011.201934', 3702]]);
  });

  it('follow the zeek-cut command line a member pastes above its output', () => {
    const events = read(
      [
        '$ zeek-cut ts id.orig_h id.orig_p id.resp_h id.resp_p proto service conn_state < conn.log',
        '1795165201.118  203.0.113.50  44012  192.0.2.17  502    tcp  -       S0',
        '1795165202.911  203.0.113.51  47808  192.0.2.20  47808  udp  bacnet  SF',
      ].join('\n'),
    );
    expect(events.map((e) => [e.format, e.src, e.dpt, e.proto])).toEqual([
      ['zeek-cut', '203.0.113.50', 502, 'tcp'],
      ['zeek-cut', '203.0.113.51', 47808, 'udp'],
    ]);
  });

  it('follow the #fields header that zeek-cut -c keeps, with its tabs turned to blanks', () => {
    const events = read(
      [
        '#fields ts uid id.orig_h id.orig_p id.resp_h id.resp_p proto service duration conn_state',
        '1796441523.120331 CkT3vd2Gq1pWq8rFZ7 198.51.100.75 51311 192.0.2.130 502 tcp - - S0',
        '1796441523.187904 C9hLx44lm0dVj3nSa2 198.51.100.75 51312 192.0.2.130 20000 tcp - - S0',
      ].join('\n'),
    );
    expect(events.map((e) => [e.format, e.src, e.dpt, e.proto])).toEqual([
      ['zeek-conn', '198.51.100.75', 502, 'tcp'],
      ['zeek-conn', '198.51.100.75', 20000, 'tcp'],
    ]);
  });

  it('follow any CSV header that names the source address and the destination port', () => {
    const events = read(
      [
        'timestamp,src_ip,src_port,dst_ip,dst_port,proto,bytes',
        '2026-12-04T18:01:12Z,198.51.100.44,52201,192.0.2.10,81,tcp,74',
        '2026-12-04T18:03:41Z,203.0.113.9,33790,192.0.2.11,23,tcp,60',
      ].join('\n'),
    );
    expect(events.map((e) => [e.format, e.src, e.dpt, e.proto])).toEqual([
      ['csv-events', '198.51.100.44', 81, 'tcp'],
      ['csv-events', '203.0.113.9', 23, 'tcp'],
    ]);
    // A Shadowserver header is a CSV header too: its own rows stay Shadowserver's.
    const [s] = read(
      '"timestamp","protocol","src_ip","src_port","dst_ip","dst_port"\n' +
        '"2026-11-20 03:00:01","udp","198.51.100.30","5353","192.0.2.77","1900"',
    );
    expect(s).toMatchObject({ format: 'shadowserver', dpt: 1900, ts: '2026-11-20T03:00:01Z' });
    // A summary with a port column and no addresses is a table, not records.
    expect(read('rank,proto,dst_port,packets\n1,tcp,23,18220413')).toEqual([]);
    // DShield's export names the ends source and target, its time in two columns
    const dshield = read(
      'date,time,source,source_port,target,target_port,protocol,flags\n' +
        '2024-06-11,00:12:44,203.0.113.9,41022,192.0.2.33,9530,TCP,S',
    );
    expect(dshield.map((e) => [e.format, e.src, e.spt, e.dst, e.dpt, e.proto])).toEqual([
      ['csv-events', '203.0.113.9', 41022, '192.0.2.33', 9530, 'tcp'],
    ]);
  });

  it('read each line of a web server access log as its own record', () => {
    const events = read(
      [
        '198.51.100.34 - - [28/Nov/2026:22:14:07 +0000] "GET /cgi-bin/luci/ HTTP/1.1" 200 1534 "-" "Mozilla/5.0"',
        '203.0.113.87 - - [29/Nov/2026:03:51:44 +0000] "POST /cgi-bin/luci/;stok=/locale HTTP/1.1" 404 196 "-" "Go"',
      ].join('\n'),
    );
    expect(events.map((e) => [e.format, e.src])).toEqual([
      ['web-access', '198.51.100.34'],
      ['web-access', '203.0.113.87'],
    ]);
  });

  it('read a Shadowserver legacy darknet row by its second column when there is no header', () => {
    const [e] = read('"2026-11-20 00:00:17","192.0.2.47",,64496,"JP","TOKYO","TOKYO",,,,8080,,,2');
    expect(e).toMatchObject({ format: 'shadowserver', src: '192.0.2.47', dst: null, dpt: 8080, proto: null });
  });
});
