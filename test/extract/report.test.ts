import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { LogEvent, Post, Report } from '../../src/model.ts';
import { extractReport } from '../../src/extract/report.ts';
import { post, report } from '../helpers/post.ts';
import { describeShared, fixture, shared } from '../helpers/paths.ts';

/** What a post forwarding a sensor report with mailer-wrapped IMS records must yield. */
interface ImsForward {
  read: () => string;
  meta?: Partial<Post>;
  records: number;
  port: number;
  first: Partial<LogEvent>;
  /** The first record of the second source's block. */
  second: { at: number } & Partial<LogEvent>;
}

function imsForward(c: ImsForward) {
  let r: Report;
  beforeAll(() => {
    r = report(c.read(), c.meta);
  });

  it('joins every two-line IMS record a mailer wrapped into one record', () => {
    expect(r.logLines).toHaveLength(c.records);
    expect(r.logLines.every((l) => l.format === 'ims' && l.dpt === c.port && l.proto === 'tcp')).toBe(true);
    expect(r.logLines[0]).toMatchObject(c.first);
    const { at, ...second } = c.second;
    expect(r.logLines[at]).toMatchObject(second);
  });

  it(`claims tcp/${c.port} from both the prose and the logs`, () => {
    expect(r.ports).toHaveLength(1);
    expect(r.ports[0]).toMatchObject({ port: c.port, proto: 'tcp' });
    expect(r.ports[0]!.from.sort()).toEqual(['log', 'prose']);
  });

  it('reads the scan pattern and the question to the list', () => {
    expect(r.scanTypes).toContain('syn-scan');
    expect(r.targeting).toContain('one-target-per-/24');
    expect(r.question).toBe(true);
    expect(r.languages).toEqual(['ja', 'en']);
  });

  it('keeps "in the thousands" and 「数千」 as words, not numbers', () => {
    expect(r.counts.sources).toBeUndefined();
    expect(r.countMentions.map((m) => m.text)).toEqual(
      expect.arrayContaining([expect.stringContaining('thousands'), expect.stringContaining('数千')]),
    );
    expect(r.countMentions.every((m) => m.value === null)).toBe(true);
  });
}

describe('a Japanese preface forwarding an English sensor report (fixtures/posts/ims-forward.txt)', () =>
  imsForward({
    read: () => readFileSync(fixture('posts', 'ims-forward.txt'), 'utf8'),
    records: 15,
    port: 7547,
    first: { ts: '2026-11-17T02:05:31Z', src: '198.51.100.23', spt: 3311, dst: 'A.B.C.19', flags: 'S' },
    second: { at: 8, ts: '2026-11-17T00:51:09Z', src: '203.0.113.77', spt: 3290 },
  }));

describeShared('the NSP-SEC-JP seed post', () =>
  imsForward({
    read: () => readFileSync(shared('seeds', '000_4e2f2d01eeb4c171.txt'), 'utf8'),
    meta: { subject: '[nsp-sec-jp] Increased TCP/5000 Activity', date: '2005-01-12T06:48:41.000Z' },
    records: 15,
    port: 5000,
    first: { ts: '2005-01-11T01:42:22Z', src: '220.192.110.239', spt: 4117, dst: 'A.B.C.50', flags: 'S' },
    second: { at: 8, ts: '2005-01-11T00:10:15Z', src: '80.136.229.69', spt: 4109 },
  }),
);

/** A Japanese advisory with summary, sources, analysis and detection sections, and a news sidebar. */
function advisory(read: () => string, want: { sources: number; targets: number; port: number }) {
  it(`reads ${want.sources} hosts and ${want.targets} targets, and tcp/udp ${want.port} only`, () => {
    const r = report(read());
    expect(r.counts).toMatchObject({ sources: want.sources, targets: want.targets });
    expect(r.ports.map((p) => `${p.proto}/${p.port}`)).toEqual([`tcp/${want.port}`, `udp/${want.port}`]);
  });
}

describeShared('the port-137 advisory seed', () =>
  advisory(() => readFileSync(shared('seeds', '002_609ebbd273f79286.txt'), 'utf8'), {
    sources: 68725,
    targets: 284693,
    port: 137,
  }),
);

describe('counts of sources and targets', () => {
  describe('in an advisory (fixtures/posts/advisory-ja.txt)', () =>
    advisory(() => readFileSync(fixture('posts', 'advisory-ja.txt'), 'utf8'), {
      sources: 41306,
      targets: 173582,
      port: 161,
    }));

  const cases: Array<[string, Record<string, number>]> = [
    ['68,725 unique hosts scanned 284,693 targets', { sources: 68725, targets: 284693 }],
    ['3,400 distinct sources so far', { sources: 3400 }],
    ['送信元は約1,200ホストです', { sources: 1200 }],
    ['送信元アドレス数は約1,200', { sources: 1200 }],
    ['roughly 2k sources/hour', { sources: 2000 }],
    // as Japanese operators write them, asides and all
    ['感染ホスト数 (推定): 約3万', { sources: 30000 }],
    ['攻撃元は約3,500 IP で、送信元IP数は合計で約 8,400 です', { sources: 3500 }],
    ['送信元は今のところ 2 IP のみです', { sources: 2 }],
    ['対象インスタンス数: 約 2,300', { targets: 2300 }],
    ['送信元IP数は少ないもののパケット数は 1 時間で約 45 万に達しています', { packets: 450_000 }],
    ['1 IP アドレスあたりの観測パケット数は前週比 4% 増でした', {}],
    // as a hurried post abbreviates them
    ['big jump tcp 2323 from ~4k srcs since 0330z, 1.2M pkts', { sources: 4000, packets: 1_200_000 }],
    ['5000 packets from over 5000 hosts', { packets: 5000, sources: 5000 }],
    // What kind of packet a figure counts, between the figure and its noun.
    ['About 900 sources, 1.1M login attempts', { sources: 900, packets: 1_100_000 }],
    // Addresses a scan reaches are targets, not sources.
    ['3,327 connection attempts to 1,904 distinct addresses', { packets: 3327, targets: 1904 }],
    [
      '1.2M hits on 3389 across 65k of our addresses, from about 4,100 sources',
      { packets: 1_200_000, targets: 65000, sources: 4100 },
    ],
    ['roughly 2,000 of our customer addresses', { targets: 2000 }],
    ['総観測パケット数は約6,200億パケットでした', { packets: 620_000_000_000 }],
    // A protocol and a number name a port; a figure with its multiplier after "/tcp" counts.
    ['Is anyone seeing TCP 179 connection attempts?', {}],
    ['8291/tcp 12k packets since Monday', { packets: 12_000 }],
    // SYNs and requests are packets, reflectors sources; a figure per something else is no count.
    ['Approx 1.2M SYNs overnight from roughly 9,100 reflectors', { packets: 1_200_000, sources: 9100 }],
    ['the honeypot logged 1,187 requests', { packets: 1187 }],
    ['about 60 SYNs an hour per router on TCP 179', {}],
    ['1,000 packets per second at the peak', {}],
    ['about 600 packets an hour', { packets: 600 }],
    // Two words of what kind, as people stack them.
    ['We count 312 infected sources so far', { sources: 312 }],
    [
      'We counted 4,112 unique reflector IPs and about 2.1 million spoofed request packets',
      {
        sources: 4112,
        packets: 2_100_000,
      },
    ],
    // A figure under its label; the label's noun is not the figure before it.
    ['Total packets (all ports): 1,284,553 Unique sources: 96,412', { packets: 1_284_553, sources: 96412 }],
    ['the number of distinct sources went from about 40 to 1,250', { sources: 1250 }],
    // nfdump's tally of its own paste and a daily figure are no counts of the post
    ['Summary: total flows: 4, total bytes: 5318, total packets: 4, avg bps: 0', {}],
    ['Daily sources went from about 1,100 on March 4th to 5,900 on March 11th', {}],
    // a label's figure is a whole number of its own: not an address, a share, a date, ports or AS numbers
    ['Targets: 192.0.2.0/24. packets: 80% TCP. Sources: 2026-11-20', {}],
    ['Destinations: 445 (SMB). Top targets: 23, 2323. Sources: 4134 and 4837', {}],
    // Japanese as operators type it: blanks inside the noun, an aside before the figure, 「ざっと」.
    ['送信元 IP アドレスのユニーク数は、9月13日0時の時点で約18,000 に達しており', { sources: 18000 }],
    ['送信元ユニークIPアドレス数: 31,204', { sources: 31204 }],
    ['合計: パケット数 1,387,102、ユニーク送信元 IP アドレス数 4,812', { packets: 1_387_102, sources: 4812 }],
    ['送信元はざっと 3000 くらい。中国とブラジルが多いです。', { sources: 3000 }],
    ['送信元は約 1,300 IP アドレスで', { sources: 1300 }],
    // a rate per source, and a growth, are no counts
    ['1 送信元あたり数十パケット程度で、パケットが約2.3倍に増えました', {}],
    // a word of the writer's own before a noun of sources, not one that says whose the addresses are
    ['Same population here: about 4,300 distinct CPE addresses this week', { sources: 4300 }],
    ['~220 distinct 11211/udp reflectors aimed at one customer', { sources: 220 }],
    ['Around 8,600 bot IPs joined the channel', { sources: 8600 }],
    ['48,211 distinct destination addresses in one night', { targets: 48211 }],
    ['3,870 distinct customer addresses were hit', {}],
    ['the honeypot logged 1,240 crash events and 376 byte packets', {}],
    ['Nmap done: 1 IP address (1 host up) scanned in 13.22 seconds', {}],
    ['they tried roughly 14,000 distinct external hosts on tcp/22', { targets: 14000 }],
    ['approx 1.2 lakh packets since morning', { packets: 120_000 }],
    // a label with its figure after a verb, an aside or a bracket
    ['Unique sources crossed 3,100 yesterday', { sources: 3100 }],
    ['Sources so far: ~1,850 distinct', { sources: 1850 }],
    ['Reflectors: ~3.4k unique', { sources: 3400 }],
    ['Also the number of sources was ~900, not 9,000', { sources: 900 }],
    ['Number of source IP is about 870, most of them MikroTik', { sources: 870 }],
    ['The source count (about 2,300) stands.', { sources: 2300 }],
    ['the packets were 60 bytes', {}],
    // a Japanese noun and its figure a blank apart, reflectors, a name in brackets; not a count of /24s or a range
    ['送信元 150 くらい、ほぼ CN。', { sources: 150 }],
    ['全体で 402,118 件、ユニーク送信元 14,502。', { sources: 14502 }],
    ['うちの netflow では unique src が 700 程度です。', { sources: 700 }],
    ['反射元(リフレクタ)は約 1,200 台、ピークは 23時台でした', { sources: 1200 }],
    ['送信元 (リフレクタ) は合計 8,214 件でした。', { sources: 8214 }],
    ['送信元は 40 程度の /24 に集中しています', {}],
    ['一部の送信元は 5060-5070/udp の範囲をスキャンしています', {}],
    ['インターネット接続サービス（固定IP ８アドレス／２９プラン）', {}],
    // a bot's key and value; no count of our own sensors, of other things, nor a rate or a masked address
    ['[ALERT] hp-07: tcp/5555 hits=1284 last 1h (baseline 40)', { packets: 1284 }],
    ['The scan covered 3,000 dst IPs in our /16', {}],
    ['Our 12 sensor IPs in AWS saw it first; we run 250 honeypot addresses', {}],
    ['spoofed RFC 1918 private addresses', {}],
    ['Mirai has reached 400k infected hosts again', { sources: 400_000 }],
    ['Most sources hit 445 first, then 139', {}],
    ['Packets topped 40 Gbps. Source count (24h avg) is steady. Source IP: 185.x.x.x', {}],
    ['Reflectors: 19 ASNs. Sources so far: 3 /24s', {}],
    ['観測ホスト 12 台のうち 9 台で。送信元 2 か国に集中、約 40 AS に分散', {}],
    ['（src 123 → dst ランダム）送信元ポートは src 53 固定', {}],
  ];
  for (const [text, want] of cases) {
    it(`reads ${JSON.stringify(text)}`, () => {
      expect(report(text).counts).toEqual(want);
    });
  }

  it('marks a rate as per hour and an "about" as approximate', () => {
    const [m] = report('roughly 2k sources/hour').countMentions;
    expect(m).toMatchObject({ kind: 'sources', value: 2000, approx: true, per: 'hour' });
  });

  it("takes a correction's count over the one it quotes", () => {
    const r = report(
      'Correction: the source count is 2,400, not 24,000. Everything else stands.\n\n' +
        '> Seeing a burst of probes to tcp/7547. ~24,000 sources so far.',
    );
    expect(r.counts.sources).toBe(2400);
  });

  it('reads no ratio, rate or rank as the count a label gives', () => {
    for (const text of [
      'On tcp/8728 the source count is 3x what we saw last week.',
      'On tcp/8728 the source count is 10 times higher than on Monday.',
      'On tcp/8728 the packet count is 40 per source on average.',
      'On tcp/8728 the source count is 2nd highest after tcp/23.',
    ])
      expect(report(text).counts).toEqual({});
  });

  it("reads no count from a port's number before its noun, where the post names that port", () => {
    expect(report('Roughly 2x on tcp/8081 here. Most of the 8081 sources look like DVRs.').counts).toEqual({});
    expect(report('Scans of port 2375 keep coming; the 2375 hits try to start a container.').counts).toEqual({});
    // (a figure the post gives as about one, or with a separator, is still a count)
    expect(report('tcp/8081 rising, ~8081 sources since Monday').counts).toEqual({ sources: 8081 });
    expect(report('tcp/4100 rising: 4,100 sources since Monday').counts).toEqual({ sources: 4100 });
  });

  it('prefers a total to a rate for the contract count', () => {
    expect(report('about 2k sources/hour, 3,400 distinct sources in all').counts.sources).toBe(3400);
  });

  it('reads 「宛先ホスト」 as targets only, never its 「ホスト」 as sources too', () => {
    const r = report('宛先ホストは120、送信元は約1,200です。宛先ホストの数は数千に達しています。');
    expect(r.counts).toEqual({ targets: 120, sources: 1200 });
    expect(r.countMentions.map((m) => m.kind)).toEqual(['targets', 'sources', 'targets']);
  });

  it('keeps 「数千」 and "thousands of sources" without a number', () => {
    const r = report('送信元ホストは数千に達しています。thousands of sources hit us.');
    expect(r.counts).toEqual({});
    expect(r.countMentions).toHaveLength(2);
  });
});

describe('TLP labels', () => {
  const cases: Array<[string, string, string | null]> = [
    ['[TLP:AMBER] scanning on 5000/tcp', '', 'AMBER'],
    ['scanning', 'TLP: RED\nplease do not forward', 'RED'],
    ['scanning', 'This report is TLP:WHITE.', 'CLEAR'],
    ['scanning', 'TLP:AMBER+STRICT', 'AMBER+STRICT'],
    ['[TLP-GREEN] note', 'body says TLP:AMBER too', 'AMBER'],
    ['no label', 'nothing here about traffic light', null],
  ];
  for (const [subject, body, want] of cases) {
    it(`${JSON.stringify(subject)} / ${JSON.stringify(body)} -> ${want}`, () => {
      expect(report(body, { subject }).tlp).toBe(want);
    });
  }
});

describe('quoting and wrapping', () => {
  it('reads a netfilter record that a mailer wrapped over four quoted lines', () => {
    const text = [
      '> > Oct 30 17:32:24 fw kernel: IPTables Dropped: IN=eth0 OUT=',
      '> > MAC=04:01:2b:bd:b0:01:4c:96:14:ff:df:f0:08:00 SRC=192.0.2.116',
      '> > DST=198.51.100.9 LEN=40 TOS=0x00 PREC=0x00 TTL=244 ID=45212',
      '> > PROTO=TCP SPT=51266 DPT=5900 WINDOW=1024 RES=0x00 SYN URGP=0',
      '> ',
      '> Anyone else?',
    ].join('\n');
    const r = report(text);
    expect(r.logLines).toHaveLength(1);
    expect(r.logLines[0]).toMatchObject({ src: '192.0.2.116', dpt: 5900, flags: 'S' });
    expect(r.logLines[0]!.raw.split('\n')).toHaveLength(4);
  });

  it('reads JSON records that a mailer wrapped, between keys and inside a value', () => {
    const text = [
      '> {"eventid":"cowrie.session.connect","src_ip":"192.0.2.120","src_port":51020,',
      '> "dst_ip":"198.51.100.120","dst_port":23,"session":"a1b2c3d4e5f6","protocol":"telnet",',
      '> "timestamp":"2026-11-20T09:03:00.123456Z"}',
      '> {"timestamp":"2026-11-20T09:03:01.000000+0000","event_type":"alert","src_ip":"192.0.2.121","src_po',
      '> rt":51021,"dest_ip":"198.51.100.121","dest_port":23,"proto":"TCP"}',
      '> ',
      '> Anyone else?',
    ].join('\n');
    const r = report(text);
    expect(r.logLines.map((l) => [l.format, l.src, l.dpt])).toEqual([
      ['json-events', '192.0.2.120', 23],
      ['eve-json', '192.0.2.121', 23],
    ]);
  });

  it('does not swallow the prose that follows a record', () => {
    const text = [
      '01-11-2005 01:42:22 0005a1f4 192.0.2.9 4117 A.B.C.50 5000 TCP',
      '-S------ 1296947564 0',
      'An interesting feature is the targeting.',
    ].join('\n');
    const r = report(text);
    expect(r.logLines).toHaveLength(1);
    expect(r.logLines[0]!.raw).not.toContain('interesting');
  });

  it('survives a megabyte line and regex-hostile lines', () => {
    const r = report(
      `${'a'.repeat(1_000_000)}\n${'tcp/'.repeat(20000)}\n${'port '.repeat(20000)}1\n${'1,'.repeat(50000)} hosts`,
    );
    expect(r.logLines).toEqual([]);
  });
});

describe('claims besides ports', () => {
  const r = report(
    'Since 21:00 JST we see SSH brute force, and UDP 1026-31 probes from China (CN), Russia and 韓国. ' +
      'Destination port 23 is rising sharply; port 8080 is also open. Source port 1025 and up. 60000番台のポートへの着信も。',
  );

  it('reads countries by name and by code in a list, in both languages', () => {
    expect(r.countries.map((c) => c.value).sort()).toEqual(['CN', 'KR', 'RU']);
    expect(r.countries.find((c) => c.value === 'KR')!.text).toBe('韓国');
  });

  it('reads the time window as written', () => {
    expect(r.window?.text).toBe('Since 21:00 JST');
    expect(report('昨日夕方頃から増えています').window?.text).toBe('昨日夕方頃から');
    expect(report('over the past few days').window?.text).toBe('over the past few days');
  });

  it('reads port ranges, the shorthand and the Japanese "番台", and keeps them apart from ports', () => {
    expect(r.portRanges).toEqual([
      { from: 1026, to: 1031, proto: 'udp', text: 'UDP 1026-31' },
      { from: 60000, to: 65535, proto: null, text: '60000番台' },
    ]);
    expect(r.ports.map((p) => p.port)).not.toContain(1026);
  });

  it('gives services named without a port their port, as implied claims only', () => {
    expect(r.impliedPorts.map((p) => `${p.value}:${p.proto}/${p.port}`)).toEqual(['ssh:tcp/22']);
    expect(r.ports.map((p) => p.port)).not.toContain(22);
  });

  it('tells a rising port from one merely mentioned, and a stated destination port', () => {
    const p23 = r.ports.find((p) => p.port === 23)!;
    expect(p23).toMatchObject({ trend: 'rising', role: 'destination' });
    expect(report('Port 8080 is open on that host.').ports[0]).toMatchObject({
      port: 8080,
      trend: 'mentioned',
      role: null,
    });
  });

  it('keeps source ports apart from the ports the post is about', () => {
    expect(r.sourcePorts.map((p) => p.port)).toEqual([1025]);
    expect(r.ports.map((p) => p.port)).not.toContain(1025);
  });

  it('keeps anonymised and defanged addresses as written, and flags them', () => {
    const x = report(
      [
        'Nov 20 00:00:01 fw kernel: DROP IN=eth0 OUT= SRC=192.0.2[.]7 DST=x.x.x.50 LEN=40 PROTO=TCP ' +
          'SPT=1 DPT=23 WINDOW=1 RES=0x00 SYN URGP=0',
        'Nov 20 00:00:02 fw kernel: DROP IN=eth0 OUT= SRC=2001:db8::7 DST=A.B.C.50 LEN=40 PROTO=TCP ' +
          'SPT=2 DPT=23 WINDOW=1 RES=0x00 SYN URGP=0',
      ].join('\n'),
    );
    expect(x.logLines[0]).toMatchObject({ src: '192.0.2[.]7', dst: 'x.x.x.50', masked: ['src', 'dst'] });
    expect(x.logLines[1]).toMatchObject({ src: '2001:db8::7', dst: 'A.B.C.50', masked: ['dst'] });
    expect(x.sourceAddresses).toEqual(['2001:db8::7']);
  });
});

describe('Japanese as it is typed', () => {
  it('folds full-width letters and digits', () => {
    const r = report('ＴＣＰ／５０００宛てのスキャンが増加。送信元は約１，２００ホスト。');
    expect(r.ports.map((p) => `${p.proto}/${p.port}`)).toEqual(['tcp/5000']);
    expect(r.counts.sources).toBe(1200);
  });

  it('reads a count stated after its noun, but not a port or a time', () => {
    expect(report('送信元は約1,200です。').counts).toEqual({ sources: 1200 });
    expect(report('宛先は23番ポートです。').counts).toEqual({});
    expect(report('送信元は21時台に急増').counts).toEqual({});
  });
});

describe('log times that name no zone', () => {
  const line =
    'Nov 20 09:41:07 fw01 kernel: [UFW BLOCK] IN=eth0 OUT= SRC=220.192.110.239 DST=192.0.2.50 LEN=44 ' +
    'PROTO=TCP SPT=4117 DPT=5000 WINDOW=1024 RES=0x00 SYN URGP=0';
  const tsFor = (date: string | undefined, text = line) =>
    report(text, { date: '2026-11-20T01:15:00.000Z', headers: date ? { date } : {} }).logLines[0]!.ts;

  it("are in the zone of the post's Date header: a Japanese operator's firewall writes JST", () => {
    expect(tsFor('Fri, 20 Nov 2026 10:15:00 +0900')).toBe('2026-11-20T00:41:07Z');
    expect(tsFor('Fri, 20 Nov 2026 10:15:00 +0900 (JST)')).toBe('2026-11-20T00:41:07Z');
    expect(tsFor('Thu, 19 Nov 2026 20:15:00 -0500')).toBe('2026-11-20T14:41:07Z');
    expect(tsFor('Fri, 20 Nov 2026 06:45:00 +0530')).toBe('2026-11-20T04:11:07Z');
  });

  it('are in the configured zone when the Date gives no offset: -0000, an obsolete name, none at all', () => {
    for (const date of ['Fri, 20 Nov 2026 01:15:00 -0000', 'Fri, 20 Nov 2026 01:15:00 GMT', undefined])
      expect(tsFor(date)).toBe('2026-11-20T09:41:07Z');
  });

  it('keep a zone they write themselves, whatever the Date says', () => {
    const written = line.replace('Nov 20 09:41:07', '2026-11-20T09:41:07+02:00');
    expect(tsFor('Fri, 20 Nov 2026 10:15:00 +0900', written)).toBe('2026-11-20T07:41:07Z');
  });

  it('place a JST line from the evening before a post sent just after midnight on that evening', () => {
    const late = line.replace('Nov 20 09:41:07', 'Nov 19 23:59:59');
    expect(tsFor('Fri, 20 Nov 2026 00:05:00 +0900', late)).toBe('2026-11-19T14:59:59Z');
  });
});

describe('a Japanese overview as it is typed (fixtures/posts/overview-ja.txt)', () => {
  const r = report(readFileSync(fixture('posts', 'overview-ja.txt'), 'utf8'));

  it('reads full-width ports and separators, and the table by its columns, never its counts', () => {
    expect(r.ports.map((p) => `${p.proto}/${p.port}`)).toEqual(['tcp/23', 'udp/123', 'tcp/445']);
  });

  it('reads every country it names, those beyond the usual few too', () => {
    expect(r.countries.map((c) => c.value)).toEqual(['VE', 'PY', 'BR']);
  });

  it('counts a figure stated in both languages once', () => {
    expect(r.countMentions).toHaveLength(1);
    expect(r.countMentions[0]).toMatchObject({ kind: 'sources', value: 1200, approx: true });
  });

  it('reads the share of hosts aiming at one address as a targeting share', () => {
    expect(r.patterns.find((p) => p.value === 'one-target-share')).toMatchObject({ kind: 'targeting', share: 0.96 });
    expect(r.targeting).toContain('one-target-share');
    expect(report('96% of hosts sending to that /24 on port 5000 are targeting one specific IP.').targeting).toEqual([
      'one-target-share',
    ]);
  });
});

describe('log records pasted into a post (fixtures/posts/pasted-logs.txt)', () => {
  const r = report(readFileSync(fixture('posts', 'pasted-logs.txt'), 'utf8'));
  const read = (format: string) => r.logLines.filter((l) => l.format === format).map((l) => `${l.dst}:${l.dpt}`);

  it('gives the destination port of fast.log and SRX records whose destination is masked', () => {
    expect(read('fast-log')).toEqual(['A.B.C.15:2375', 'xxx.xxx.xxx.16:2375']);
    expect(read('juniper-srx')).toEqual(['x.x.x.x:7547', '192.0.2.x:7547']);
    expect(r.logLines.filter((l) => l.format === 'fast-log').every((l) => l.masked?.includes('dst'))).toBe(true);
  });

  it('reads every line of AWS VPC flow logs in the default format, with or without the header', () => {
    expect(read('aws-vpc-flow')).toEqual(['10.1.2.3:2375', '10.1.2.4:2375', '10.1.2.5:null', '2001:db8:66::3:7547']);
    const header =
      'version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end ' +
      'action log-status';
    const lines = readFileSync(fixture('posts', 'pasted-logs.txt'), 'utf8')
      .split('\n')
      .filter((l) => l.startsWith('2 2109'));
    const withHeader = report(`Flow logs:\n\n${header}\n${lines.join('\n')}\n`);
    expect(withHeader.logLines.map((l) => l.dpt)).toEqual([2375, 2375, null, 7547]);
  });

  it('reads a CSV report with its header row as log records, quoted or not', () => {
    expect(read('shadowserver')).toEqual(['192.0.2.77:2375', '192.0.2.78:7547']);
    const quoted = report(
      [
        'Pasted from the feed:',
        '',
        '"timestamp","protocol","src_ip","src_port","dst_ip","dst_port","count"',
        '"2026-11-20 03:00:01","udp","198.51.100.30","5353","192.0.2.77","1900","3"',
      ].join('\n'),
    );
    expect(quoted.logLines.map((l) => `${l.proto}/${l.dpt}`)).toEqual(['udp/1900']);
  });

  it('reads the same records when a mailer wrapped every line at 72 columns', () => {
    const wrapped = readFileSync(fixture('posts', 'pasted-logs.txt'), 'utf8')
      .split('\n')
      .flatMap((line) => {
        // A mailer wrapping a quoted line quotes each piece again.
        const q = line.startsWith('> ') ? '> ' : '';
        const out: string[] = [];
        let cur = '';
        for (const w of line.slice(q.length).split(' ')) {
          if (cur && `${cur} ${w}`.length > 70) [out[out.length], cur] = [cur, w];
          else cur = cur ? `${cur} ${w}` : w;
        }
        return [...out, cur].map((x) => q + x);
      })
      .join('\n');
    const w = report(wrapped);
    expect(w.logLines.map((l) => `${l.format} ${l.dst}:${l.dpt}`)).toEqual(
      r.logLines.map((l) => `${l.format} ${l.dst}:${l.dpt}`),
    );
  });

  it('claims the ports the records agree on', () => {
    expect(r.ports.map((p) => `${p.proto}/${p.port}`)).toEqual(['tcp/2375', 'tcp/7547']);
  });
});

describe('a post that names services only', () => {
  it('claims no port and keeps the services apart as implied ports', () => {
    const r = report('SSH brute force and RDP scanning all night, plus the usual telnet and SMB noise.');
    expect(r.ports).toEqual([]);
    expect(r.impliedPorts.map((i) => `${i.value}:${i.proto}/${i.port}`)).toEqual([
      'ssh:tcp/22',
      'telnet:tcp/23',
      'rdp:tcp/3389',
      'smb:tcp/445',
    ]);
  });

  it('reads the services a hurried post writes in lower case, not a host named after one', () => {
    const implied = (t: string) => report(t).impliedPorts.map((i) => `${i.proto}/${i.port}`);
    expect(implied('credential stuffing against sip and rdp on partner pbx/vdi, some smb too')).toEqual([
      'tcp/3389',
      'tcp/445',
      'udp/5060',
    ]);
    expect(implied('ssh brute force from these')).toEqual(['tcp/22']);
    // a count is no port named
    expect(implied('SSH brute force from 22 addresses overnight')).toEqual(['tcp/22']);
    expect(implied('our resolver ssh.example.net and smb-gw.example.net were fine')).toEqual([]);
  });

  it('implies no port of a service the post says is unaffected, and keeps one whose usual level is up', () => {
    expect(report('Not affected: NETCONF over SSH on tcp/830, the CLI on tcp/22, SNMP.').impliedPorts).toEqual([]);
    const up = report('The usual background of SSH brute forcing against the same boxes is up about 30% too.');
    expect(up.impliedPorts.map((i) => `${i.proto}/${i.port}`)).toEqual(['tcp/22']);
  });

  it('implies no port the post names itself, even to say it is quiet', () => {
    expect(report('こちらでは 5060 は見えてません。', { subject: 'Re: [jp-ops] SIP スキャン' }).impliedPorts).toEqual(
      [],
    );
    expect(report('SSH (TCP 22) is not affected; the web UI on tcp/8443 is.').impliedPorts).toEqual([]);
  });
});

/**
 * A post per corpus format, as a member pastes it: a sentence, then the lines (with the header
 * line they need), plain, indented, quoted with "> ", or wrapped by a mailer at 72 columns.
 */
describeShared('every line of the public log corpus pasted into a post', () => {
  interface CorpusLine {
    format: string;
    line: string;
    context?: string;
    expected: Record<string, string | number | null>;
  }
  const corpus = JSON.parse(readFileSync(shared('corpus', 'logformats.json'), 'utf8')) as CorpusLine[];
  const byFormat = new Map<string, CorpusLine[]>();
  for (const s of corpus) byFormat.set(s.format, [...(byFormat.get(s.format) ?? []), s]);

  function wrap(line: string, width: number): string[] {
    const out: string[] = [];
    let cur = '';
    for (const w of line.split(' ')) {
      if (cur && `${cur} ${w}`.length > width) {
        out.push(cur);
        cur = w;
      } else cur = cur ? `${cur} ${w}` : w;
    }
    return cur ? [...out, cur] : out;
  }

  function score(style: 'plain' | 'indented' | 'quoted' | 'wrapped') {
    let read = 0;
    let total = 0;
    const missed: string[] = [];
    for (const [format, samples] of byFormat) {
      const lines: string[] = [];
      let header: string | undefined;
      for (const s of samples) {
        // "(default v2 field order) ..." is the corpus's note, not a line a log carries.
        if (s.context && !s.context.startsWith('(') && s.context !== header) lines.push((header = s.context));
        lines.push(...s.line.trimEnd().split('\n'));
      }
      let body = style === 'wrapped' ? lines.flatMap((l) => wrap(l, 72)) : lines;
      if (style === 'quoted') body = body.map((l) => `> ${l}`);
      if (style === 'indented') body = body.map((l) => `    ${l}`);
      const r = report(`Hi all, this is what our ${format} logged overnight:\n\n${body.join('\n')}\n\nAnyone else?\n`);
      for (const s of samples) {
        const { spt, dpt } = s.expected;
        if (typeof dpt !== 'number') continue;
        total++;
        if (r.logLines.some((l) => l.dpt === dpt && l.spt === (spt ?? null))) read++;
        else missed.push(`${format}: ${s.line.slice(0, 60)}`);
      }
    }
    console.log(`corpus pasted ${style}: ${read}/${total} lines give their source and destination port`);
    return { read, total, missed };
  }

  it('gives each line its source and destination port, plain, indented, quoted and wrapped at 72 columns', () => {
    for (const style of ['plain', 'indented', 'quoted', 'wrapped'] as const) {
      const { read, total, missed } = score(style);
      expect(missed).toEqual([]);
      expect(read).toBe(total);
    }
  });

  it('gives the destination port when the poster masked an address, in every format', () => {
    const masks = ['A.B.C.15', 'x.x.x.x', '192.0.2.x', 'a.b.c.d', 'xxx.xxx.xxx.15'];
    const missed: string[] = [];
    let total = 0;
    for (const s of corpus) {
      const { src, dst, dpt } = s.expected;
      if (typeof dpt !== 'number' || typeof dst !== 'string' || !/^\d+(?:\.\d+){3}$/.test(dst)) continue;
      const header = s.context && !s.context.startsWith('(') ? `${s.context}\n` : '';
      const sides: string[] = typeof src === 'string' && src !== dst ? [dst, src] : [dst];
      for (const mask of masks)
        for (const side of sides) {
          total++;
          const r = report(`Masked on our side:\n\n${header}${s.line.split(side).join(mask)}\n`);
          if (!r.logLines.some((l) => l.dpt === dpt)) missed.push(`${s.format} ${mask}: ${s.line.slice(0, 50)}`);
        }
    }
    console.log(`corpus masked: ${total - missed.length}/${total} lines give their destination port`);
    expect(missed).toEqual([]);
  });
});

describe('limits.maxPortsPerPost', () => {
  const log = (src: string) =>
    `Nov 20 09:41:07 fw01 kernel: DROP IN=eth0 OUT= SRC=${src} DST=192.0.2.50 LEN=44 PROTO=TCP SPT=4117 DPT=23 ` +
    'WINDOW=1024 RES=0x00 SYN URGP=0';
  const listing = (n: number) => Array.from({ length: n }, (_, i) => `tcp/${i + 1000}`).join('\n');
  const read = (text: string, subject: string, maxPorts?: number) =>
    extractReport(post(text, { subject }), {
      zone: 'UTC',
      maxScanChars: 4 * 1024 * 1024,
      maxLineChars: 4096,
      maxPorts,
    });

  it('keeps the 50 strongest of 30,000 listed ports and says how many it dropped; the rest is read', () => {
    const logs = `${log('203.0.113.7')}\n${log('203.0.113.8')}`;
    const text = `${listing(30_000)}\n\nProbes to tcp/60001 are rising sharply.\n\n${logs}`;
    const r = read(text, 'Scans on tcp/61000');
    expect(r.ports).toHaveLength(50);
    // Named in the subject, said to rise, seen in log lines; then the lowest of the rest.
    expect(r.ports.map((p) => p.port)).toEqual(
      [...Array.from({ length: 47 }, (_, i) => i + 1000), 23, 60001, 61000].sort((a, b) => a - b),
    );
    expect(r.warnings).toEqual([
      '29953 of 30003 port claims not kept: limits.maxPortsPerPost (50) keeps the strongest',
    ]);
    expect(r.logLines).toHaveLength(2);
  });

  it('keeps every claim within the cap, with no warning', () => {
    const r = read(listing(50), '');
    expect(r.ports).toHaveLength(50);
    expect(r.warnings).toEqual([]);
  });

  it('keeps at most the cap, each a claim of the post, in port order, for every post (fast-check)', () => {
    const mention = fc.tuple(
      fc.constantFrom('tcp/', 'udp/', 'port ', 'rising on tcp/'),
      fc.integer({ min: 0, max: 65535 }),
    );
    fc.assert(
      fc.property(fc.array(mention, { maxLength: 40 }), fc.integer({ min: 1, max: 10 }), (mentions, max) => {
        const text = mentions.map(([w, n]) => `${w}${n}.`).join('\n');
        const all = read(text, '', 1000).ports;
        const kept = read(text, '', max).ports;
        expect(kept.length).toBe(Math.min(max, all.length));
        for (const k of kept) expect(all).toContainEqual(k);
        expect(kept.map((p) => p.port)).toEqual([...kept.map((p) => p.port)].sort((a, b) => a - b));
      }),
    );
  });
});
