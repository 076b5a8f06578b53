import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { portsOf, report } from '../helpers/post.ts';

describe('ports named in prose', () => {
  const cases: Array<[string, string[]]> = [
    ['unusual increase of sources contacting tcp/5000', ['tcp/5000']],
    ['Increased TCP/5000 Activity', ['tcp/5000']],
    ['we see a lot of 5000/tcp since Monday', ['tcp/5000']],
    ['SIP probes on port 5060 UDP all night', ['udp/5060']],
    // A figure with its multiplier after a protocol counts packets; it is no port.
    ['8291/tcp 12k packets since Monday', ['tcp/8291']],
    ['TCP 1.1M attempts, UDP 20万件', []],
    ['scans of TCP/UDP port 137 keep rising', ['tcp/137', 'udp/137']],
    ['ポート137でスキャン増加が発生', ['?/137']],
    ['UDP/6585番ポート宛ての通信が増えています', ['udp/6585']],
    ['123/udp(NTP)への問い合わせが急増', ['udp/123']],
    ['8080tcp is busy again', ['tcp/8080']],
    ['TCP/UDPポート137のスキャン数が増加し続けている', ['tcp/137', 'udp/137']],
    ['23/tcpと22/tcp(SSH)が活発です', ['tcp/22', 'tcp/23']],
    ['ports 139 and 445 from the same hosts', ['?/139', '?/445']],
    ['tcp port 445 and udp port 1434', ['tcp/445', 'udp/1434']],
    ['445番ポート（SMB）', ['tcp/445']],
    ['SSDP (UDP 1900) reflection', ['udp/1900']],
    ['TCP 445番ポートへのアクセス', ['tcp/445']],
    ['telnet (23/tcp) and 2323/tcp', ['tcp/23', 'tcp/2323']],
    ['port 445/TCP', ['tcp/445']],
    ['宛先ポート23への探索', ['?/23']],
    ['probes to tcp ports 8080, 8081 and 8443', ['tcp/8080', 'tcp/8081', 'tcp/8443']],
    ['Windows系の139/445/tcpが活発です', ['tcp/139', 'tcp/445']],
    // What a number is addressed to (宛, 宛て, 向け), and a list after ポートを with とか or や.
    ['今朝から2323宛もちょっと増えてます', ['?/2323']],
    ['445番宛てのパケットが多い', ['?/445']],
    ['ポートを 33890 とか 13389 に変えてるサーバも狙われています', ['?/13389', '?/33890']],
    ['ポートは8080や8443です', ['?/8080', '?/8443']],
    ['TCP ５９００〜５９１０ 宛てのスキャン', []],
    ['198.51.100.1宛の通信、10:30宛に報告', []],
    ['Darknet here: 5555 and 5858 lit up around 23:10 JST yesterday, both tcp.', ['tcp/5555', 'tcp/5858']],
    ['Version 2.10 and 3.1 lit up the changelog', []],
    ['本日未明より TCP 445 宛ての探索が増加', ['tcp/445']],
    ['UDP/11211 (memcached) reflection', ['udp/11211']],
    ['all of it to dport 23, Port 2323 too', ['?/23', '?/2323']],
    ['seen on our side: tcp ports 22, 23 and 2323', ['tcp/22', 'tcp/23', 'tcp/2323']],
    // Full-width digits, letters and separators, as a Japanese input method writes them.
    ['ポート４４５への探索が続いています', ['?/445']],
    ['１２３／ｕｄｐ（NTP）への問い合わせ', ['udp/123']],
    ['ＴＣＰ／２３が活発です', ['tcp/23']],
    ['ＴＣＰ：４４５、１３９', ['tcp/139', 'tcp/445']],
    // Numbers with no "port" beside them, which the words around them make ports.
    ['yesterday we logged 1.2M hits on 3389 across 65k of our addresses', ['?/3389']],
    // (a post about SYNs that names no UDP is about TCP)
    ['+1. ~300 srcs/hr on 5555 here since 02:00 UTC, SYN only', ['tcp/5555']],
    ['8728 is flat for us, but 8729 (the API-SSL one) went up ~5x overnight', ['?/8729']],
    ['a new Mirai variant sweeping telnet (23, 2323)', ['tcp/23', 'tcp/2323']],
    ['anyone seeing 445 and 139 spike since noon?', ['?/139', '?/445']],
    ['blocked at the edge: tcp 22/23/2323', ['tcp/22', 'tcp/23', 'tcp/2323']],
    ['the IKE service (UDP 500/4500)', ['udp/500', 'udp/4500']],
    ['it exposes telnet on 2323 and a web console on 8081 to the WAN', ['tcp/2323', 'tcp/8081']],
    ['a small rise on 5900 (VNC) from one network', ['tcp/5900']],
    [
      'The usual suspects lead the port report: 23, 445, 22, 80 and 8080, in that order.',
      ['?/22', '?/23', '?/80', '?/445', '?/8080'],
    ],
    ['Anyone seeing a lot of 8080 from Brazil today?', ['?/8080']],
    ['about 40 connection attempts a day to 10250, all SYN only', ['tcp/10250']],
    [
      'The camera listens on TCP 554 (RTSP), 8000 and 37777. The service on 37777 overflows.',
      ['tcp/554', 'tcp/8000', 'tcp/37777'],
    ],
    ['Lots of SYNs to :6443 (k8s API) and :10250 (kubelet) across our cloud ranges', ['tcp/6443', 'tcp/10250']],
    // The protocol said later in the sentence, as a qualifier or a field of a notification.
    ['Destinations 3389 and 445 only, all TCP SYN.', ['tcp/445', 'tcp/3389']],
    ['Source IP: 203.0.113.144\nDestination Port: 3389\nProtocol: TCP\nEvents: 4,812', ['tcp/3389']],
    // A bare number inside a narrow range the post stated is one of its ports.
    [
      'spoofed UDP 1026-31 traffic again, mostly ports 1026 and 1030, a handful to 1027.',
      ['udp/1026', 'udp/1027', 'udp/1030'],
    ],
  ];
  for (const [text, want] of cases) {
    it(`reads ${JSON.stringify(text)} as ${want.join(', ')}`, () => {
      expect(portsOf(text)).toEqual(want);
    });
  }

  it('takes the port from the subject as well as the body', () => {
    expect(portsOf('Are others seeing this?', '[nsp-sec-jp] Increased TCP/5000 Activity')).toEqual(['tcp/5000']);
  });

  it('reads a list under a protocol label, each line with its own protocol', () => {
    const text = 'Blocked at the edge since Monday:\nTCP: 445, 135, 25, 80, 3127, 3128\nUDP: 1434, 137\n';
    expect(portsOf(text)).toEqual([
      'tcp/25',
      'tcp/80',
      'tcp/135',
      'udp/137',
      'tcp/445',
      'udp/1434',
      'tcp/3127',
      'tcp/3128',
    ]);
  });

  it('gives ports named later the protocol of the range they fall in', () => {
    const text = 'The UDP 1026-31 traffic is back this week.\n\nMost of it hits ports 1026 and 1030.';
    const r = report(text);
    expect(r.portRanges).toEqual([{ from: 1026, to: 1031, proto: 'udp', text: 'UDP 1026-31' }]);
    expect(r.ports.map((p) => `${p.proto}/${p.port}`)).toEqual(['udp/1026', 'udp/1030']);
    expect(r.ports[0]!.spans[0]).toContain('UDP 1026-31');
  });

  it('gives a bare port the one protocol its paragraph named before it', () => {
    expect(portsOf('Lots of UDP from one /16 last night, to ports 1900 and 5353 mostly.')).toEqual([
      'udp/1900',
      'udp/5353',
    ]);
  });

  it('leaves a bare port bare when its paragraph named both protocols, or none', () => {
    expect(portsOf('We see tcp/23 and udp/53 rising. Also port 5060.')).toEqual(['tcp/23', 'udp/53', '?/5060']);
    expect(portsOf('Scans of TCP/UDP port 137, and port 53 too')).toEqual(['?/53', 'tcp/137', 'udp/137']);
    expect(portsOf('tcp/23 rising.\n\nSeparately, port 8443 is busy.')).toEqual(['tcp/23', '?/8443']);
  });

  it('merges a bare port with the same port named with a protocol', () => {
    expect(portsOf('tcp/5000 is up. Port 5000 traffic doubled.')).toEqual(['tcp/5000']);
  });

  it('reads the number in brackets after "port" as the port', () => {
    expect(portsOf('The device then opens a shell on a second port (9527 on the samples we saw).')).toEqual(['?/9527']);
  });

  it('reads a number put in place of a port the same sentence names', () => {
    expect(portsOf('The worm probes IRC servers on tcp/6667; one variant used 16667 instead.')).toEqual([
      'tcp/6667',
      'tcp/16667',
    ]);
    expect(portsOf('The portal normally listens on 443, but many sites use 10443 or 8443; all are hit.')).toEqual([
      '?/443',
      '?/8443',
      '?/10443',
    ]);
  });

  it('does not read a number used in a sentence that names no other port', () => {
    expect(portsOf('We use 2048 sensors and used 300 instead of 200 last year.')).toEqual([]);
    expect(portsOf('tcp/23 is up.\n\nWe used 300 instead.')).toEqual(['tcp/23']);
    expect(portsOf('tcp/23 is up; we used 10 Gbps of filters and use 2FA.')).toEqual(['tcp/23']);
  });

  it('reads a number said to arrive in a Japanese post that names a port, and no count', () => {
    expect(portsOf('ポート23番宛のSYNが増えてます。\nあと、ついでに 5555 も少し来てます。')).toEqual([
      'tcp/23',
      'tcp/5555',
    ]);
    expect(portsOf('5555 も少し来てます。')).toEqual([]);
    expect(portsOf('ポート23番宛のSYNが増えてます。送信元が 1000 も増えてる。4500 が観測されました。')).toEqual([
      'tcp/23',
    ]);
  });

  it('drops a port the post says is quiet or unaffected, unless it also names it as active', () => {
    expect(portsOf('tcp/23 is up. Not seeing a change on 80 or 8080, so not a web sweep.')).toEqual(['tcp/23']);
    expect(portsOf('The panel listens on TCP 8443. SIP on UDP 5060 is not affected.')).toEqual(['tcp/8443']);
    expect(portsOf('We see 445 rising, but not 139.')).toEqual(['?/445']);
    expect(portsOf('ポート23番宛が増えています。80番宛ては普段と変わりません。')).toEqual(['?/23']);
    expect(portsOf('Nothing unusual on 443 today. Later, probes to 443 doubled.')).toEqual(['?/443']);
  });

  it('drops the ports of a list labelled unaffected or quiet, and not of a label that says more', () => {
    const advisory =
      'A heap overflow in slpd, listening on udp/427 and tcp/427. Not affected: the host client ' +
      '(tcp/443), the authentication daemon on tcp/902 and the CIM service on tcp/5989.';
    expect(portsOf(advisory)).toEqual(['tcp/427', 'udp/427']);
    expect(portsOf('Exploited: tcp/9443, tcp/7001.\nUnaffected: SSH (tcp/22), SNMP (udp/161).')).toEqual([
      'tcp/7001',
      'tcp/9443',
    ]);
    expect(portsOf('Not seen by us, but others report: tcp/9530 and tcp/34567.')).toEqual(['tcp/9530', 'tcp/34567']);
  });

  it('drops a port said to be nil, untouched, not part of it, unreachable or without attempts', () => {
    expect(portsOf('Mostly udp/11211. NTP monlist (udp/123) was nil for us during this one.')).toEqual(['udp/11211']);
    expect(portsOf('Only tcp/179 for us. BFD (udp/3784) is untouched.')).toEqual(['tcp/179']);
    expect(portsOf('More on TCP 8728 and 8729. Winbox (8291) is not part of this.')).toEqual(['tcp/8728', 'tcp/8729']);
    expect(
      portsOf(
        'dockerd listens on tcp/2375 without TLS. A TLS listener on 2376 is configured in daemon.json but ' +
          'never started, so it is not reachable.',
      ),
    ).toEqual(['tcp/2375']);
    expect(
      portsOf('Attempts target TCP 8443. The console on 4444 is not exposed and we see no attempts against it.'),
    ).toEqual(['tcp/8443']);
    // the top of the report as it always is, not at its usual level
    expect(portsOf('SMB on tcp/445 dominates as always, then tcp/135.')).toEqual(['tcp/135', 'tcp/445']);
    expect(portsOf('Up on tcp/2222. The regular 22/tcp is no busier than usual.')).toEqual(['tcp/2222']);
    expect(portsOf('Mostly tcp/443. IKE on udp/500 and udp/4500 looks completely normal.')).toEqual(['tcp/443']);
    expect(portsOf('Only udp/53 here. Zero memcached -- our 11211 counters have not moved.')).toEqual(['udp/53']);
    expect(portsOf('Up on tcp/9200. We checked 9300/tcp also, but there was no access to it.')).toEqual(['tcp/9200']);
    expect(portsOf('Up on tcp/445. About 139/tcp we cannot confirm it.')).toEqual(['tcp/445']);
    expect(portsOf('Side note before anyone asks: the udp/3478 traffic is STUN and is expected.')).toEqual([]);
    expect(portsOf('> Anyone seeing the 4433 part?\n\nNo. Zero on 4433 here, only tcp/10443.')).toEqual(['tcp/10443']);
  });

  it('drops what Japanese posts say is unchanged, usual, back to usual, or under a heading of the unaffected', () => {
    expect(portsOf('5555/TCP や 8000/TCP については、現時点で顕著な変化はみられません。37215/TCP が増加。')).toEqual([
      'tcp/37215',
    ]);
    expect(portsOf('587/TCP が急増。25/TCP については OP25B の効果もあり、通常と変わりません。')).toEqual(['tcp/587']);
    expect(portsOf('587/TCP が急増。POP3S (995/TCP) にも一部来ていますが、件数は平常時並みです。')).toEqual([
      'tcp/587',
    ]);
    expect(
      portsOf(
        '37215/TCP 宛てが増加しました。前四半期に増加していた 60023/TCP 宛てのパケットは、本四半期は通常の水準に戻っています。',
      ),
    ).toEqual(['tcp/37215']);
    const advisory = [
      '■影響を受ける機能',
      '  ・Web 設定画面 (TCP 80/443)',
      '■影響を受けない機能',
      '  ・SSH サーバ機能 (TCP 22)',
      '  ・L2TP/IPsec (UDP 500/4500/1701)',
    ].join('\n');
    expect(portsOf(advisory)).toEqual(['tcp/80', 'tcp/443']);
    // a decrease a reader still counts among the week's ports
    expect(portsOf('10月末から増加していた 60023/TCP 宛てのパケットは今週やや減少しました。')).toEqual(['tcp/60023']);
  });

  it('drops a port the poster says it wrote, in the sentence before "It was not"', () => {
    const fixed = 'I wrote that the increase was on tcp/5985. It was not; the increase is on tcp/5986.';
    expect(portsOf(fixed)).toEqual(['tcp/5986']);
    expect(portsOf('I wrote that tcp/23 was rising. It still is, and tcp/2323 too.')).toEqual(['tcp/23', 'tcp/2323']);
  });

  it('drops a port an earlier version named, or a Japanese correction takes back', () => {
    const diary =
      'Top: 2376/tcp (Docker over TLS) +310%. Update: an earlier version of this diary listed 2375/tcp in first ' +
      'place. That was my mistake when copying from the report.';
    expect(portsOf(diary)).toEqual(['tcp/2376']);
    const correction = [
      '鈴木です。訂正させてください。',
      '先ほどのメールで「UDP 1900 (SSDP)」と書きましたが、誤りでした。正しくは UDP 3702 (WS-Discovery) です。',
      '',
      '> 本日 10:15 頃から UDP 1900 (SSDP) のスキャンが増えています。',
    ].join('\n');
    expect(portsOf(correction, 'Re: [ja-ops] UDP 1900 宛てスキャンの増加について（訂正）')).toEqual(['udp/3702']);
    const misread =
      '5/15 の投稿で「旧ポートの 8443/tcp にも来ている」と書きましたが、ログの見間違いで、正しくは 4443/tcp でした。';
    expect(portsOf(misread, '訂正：SecureGate 関連で増えているポート')).toEqual(['tcp/4443']);
  });

  it("takes no port from a log line the poster takes back, nor from a reply's quote that its own words deny", () => {
    const kernel = 'Mar 12 01:02:03 er4 kernel: [WAN_LOCAL-default-D]IN=eth0 OUT= SRC=';
    const lines = [
      'Probes to 8443 all night:',
      `${kernel}192.0.2.9 DST=198.51.100.2 LEN=44 PROTO=TCP SPT=40000 DPT=8443 SYN`,
      `${kernel}198.51.100.7 DST=198.51.100.2 LEN=44 PROTO=TCP SPT=40001 DPT=8081 SYN`,
      '',
      '(The DPT=8081 line is our own monitoring box, ignore that one.)',
    ].join('\n');
    expect(portsOf(lines)).toEqual(['tcp/8443']);
    const reply = [
      '> > getting hammered on tcp/623. Anyone else?',
      '',
      "It's all udp/623, the usual IPMI recon. Zero packets to tcp/623; the flow exporter mislabels fragments.",
    ].join('\n');
    expect(portsOf(reply, 'Re: IPMI scanning? (was: tcp/623 on BMC ranges)')).toEqual(['udp/623']);
  });

  it("keeps what a review found the new rules took: a post's last word, a label's end, a recovery", () => {
    expect(portsOf('tcp/23 up 5x overnight. tcp/2323 is flat')).toEqual(['tcp/23']);
    expect(portsOf('Big jump on tcp/7547; tcp/23 unchanged')).toEqual(['tcp/7547']);
    expect(portsOf('Quiet here: 23, 2323\nBusy: tcp/7547 (10x), tcp/5555')).toEqual(['tcp/5555', 'tcp/7547']);
    expect(portsOf('Big jump on tcp/7547 (about 10x since Monday.) Nothing unusual otherwise.')).toEqual(['tcp/7547']);
    expect(portsOf('tcp/7547 went from zero to 50k packets an hour')).toEqual(['tcp/7547']);
    expect(portsOf('tcp/7547 is expected to keep rising, already at 10x')).toEqual(['tcp/7547']);
    expect(portsOf('The earlier post had tcp/7547 at 3x; it is 10x now.')).toEqual(['tcp/7547']);
    expect(portsOf('Brute force against port 22 on the Cisco edge boxes')).toEqual(['?/22']);
    expect(portsOf('Member 2, port 445 shows heavy SMB scanning')).toEqual(['tcp/445']);
    expect(portsOf('About 1,200 sources on tcp/7547, plus 300.')).toEqual(['tcp/7547']);
    expect(portsOf('Seeing them too: 1200.')).toEqual([]);
    expect(portsOf('We got hammered at 10, then again at 14.')).toEqual([]);
    expect(portsOf('Hits on 53 went up 5x. Both TCP and UDP.')).not.toEqual(['tcp/53']);
    expect(portsOf('| Port | Proto | Note |\n| 23 | tcp | was not affected last week, now 10x |')).toEqual(['tcp/23']);
  });

  it("reads a scan's second round, and the ports a terse reply confirms at its end", () => {
    expect(portsOf('It sweeps TCP: 9530, 60001 with a secondary pass on 8443.')).toEqual([
      'tcp/8443',
      'tcp/9530',
      'tcp/60001',
    ]);
    expect(portsOf('Seeing it here too, 7547 and 5555. Started ~0300 EDT.')).toEqual(['?/5555', '?/7547']);
    expect(portsOf('cpe fleet getting hammered on 7547 again. both tcp.')).toEqual(['tcp/7547']);
    // counts, not ports
    expect(portsOf('We saw it too, 300 sources. A second round of 500 packets.')).toEqual([]);
  });

  it('takes no port of a reflector, sourced from it or answering from it to random ports', () => {
    const text = [
      'Mostly TP240PhoneHome reflection, with a smaller ARMS component sourced from udp/3283.',
      '140 sources have been sweeping udp/10074 across our /19.',
      '',
      'Date first seen          Duration Proto      Src IP Addr:Port          Dst IP Addr:Port   Packets    Bytes',
      '2025-03-10 04:12:03.112     0.000 UDP        192.0.2.17:10074 ->     203.0.113.50:41236        1     1428',
      '2025-03-10 04:12:03.121     0.000 UDP      198.51.100.5:10074 ->     203.0.113.50:60113        1     1428',
    ].join('\n');
    expect(portsOf(text)).toEqual(['udp/10074']);
  });

  it("weighs a reply's subject and quotes, the words of the post it answers, against what the reply says", () => {
    const reply = [
      '> we are tracking a fork that sweeps TCP: 9530, 60001, 34567.',
      '',
      'Confirm 9530 and 34567 from our side. Nothing at all on 60001 here -- zero hits since Friday.',
    ].join('\n');
    expect(portsOf(reply, 'Re: [nsp-sec] New Mirai fork sweeping TCP 9530/60001/34567')).toEqual([
      'tcp/9530',
      'tcp/34567',
    ]);
    // quoted and in the subject, and not said quiet by the reply: still the thread's ports
    expect(portsOf('> a sweep of tcp/9530\n\n+1, same here.', 'Re: tcp/9530 and tcp/60001')).toEqual([
      'tcp/9530',
      'tcp/60001',
    ]);
    // what the quoted post says is background leaves the reply's own log lines on that port alone
    const confirm = [
      'Confirming the 8291 part, SYN only:',
      '',
      'Mar 14 14:11:02 fw kernel: DROP IN=em0 SRC=198.51.100.77 DST=203.0.113.9 PROTO=TCP SPT=38211 DPT=8291 SYN',
      '',
      '> tcp/8291 is the usual background noise here.',
    ].join('\n');
    expect(portsOf(confirm, 'Re: overview')).toEqual(['tcp/8291']);
    // a post of its own keeps what its subject names
    expect(portsOf('Nothing at all on 60001 here.', '[nsp-sec] TCP 60001 sweep')).toEqual(['tcp/60001']);
  });

  it('drops a port the poster takes back, even where a quote or the subject still names it', () => {
    expect(
      portsOf(
        "Correction: it's 8888, not 8088 - fat-fingered it.\n\n> a SYN flood against tcp/8088 since 10:30",
        'Re: SYN flood on tcp/8088 - correction',
      ),
    ).toEqual(['tcp/8888']);
    expect(portsOf("Sorry, it's 2026, not 2025. Peak was 1900, not 19000 sources.")).toEqual([]);
    // a figure set right, an AS number, or no correction at all
    expect(portsOf("Correction: it's 400, not 300 per hour. AS4134 - it's 4134, not 4837 (typo).")).toEqual([]);
    expect(portsOf('I listed 445 on the blocklist by mistake; since removing it, tcp/445 probes jumped 4x.')).toEqual([
      'tcp/445',
    ]);
    // "I wrote X, that was a typo": X is taken back, and the number the poster then gives is meant
    expect(portsOf('Correction to my earlier mail: I wrote tcp/8081, that was a typo - it is tcp/8088.')).toEqual([
      'tcp/8088',
    ]);
    expect(portsOf('I wrote 2024 in error, it is 2025; tcp/8081 is up.')).toEqual(['tcp/8081']);
    const correction = [
      'Correction to my post from this morning, sorry: the second port is 8443,',
      'not 8433. Fat fingers before coffee.',
      '',
      '> We see a sweep against tcp/10443 and tcp/8433, about 900 sources.',
    ].join('\n');
    // (and the port it names instead is read, with the protocol of the thread's subject)
    expect(portsOf(correction, 'Re: SSL VPN probing - tcp/10443 and 8433')).toEqual(['tcp/8443', 'tcp/10443']);
    const retracted =
      'Smart Install probing on tcp 4786. It also looked like they were hitting udp/4789, but that turned ' +
      'out to be VXLAN from our own DC leaking into the sensor - ignore that part.';
    expect(portsOf(retracted)).toEqual(['tcp/4786']);
    // Turning out to be something real takes nothing back.
    expect(portsOf('We saw udp/4789 spikes, which turned out to be real VXLAN scanning.')).toEqual(['udp/4789']);
    expect(portsOf('tcp/23 is up sharply, ignore the weekend dip.')).toEqual(['tcp/23']);
  });

  it('drops a port said to be as it always is, or to be where the attackers serve their files', () => {
    expect(portsOf('udp/1900 is at its usual background level here, so SSDP is not related.')).toEqual([]);
    expect(
      portsOf('The sensor also sees 1900/udp, but that is the ordinary background we have had for years.'),
    ).toEqual([]);
    expect(portsOf('445/tcp stays at its usual (very high) background level, nothing new there.')).toEqual([]);
    expect(portsOf('tcp/23 is up again, as usual on a Monday.')).toEqual(['tcp/23']);
    expect(portsOf('Scans on 80 and 8080. The download server listens on 8888.')).toEqual(['?/80', '?/8080']);
    expect(portsOf('The loader is fetched from port 8088 on a host that never scans anybody.')).toEqual([]);
  });

  it('weighs a quiet port against the active ones by protocol', () => {
    const text =
      'NTP monlist (replies from udp/123), all aimed at 203.0.113.40 dst port 443. Since it is all UDP the QUIC ' +
      'service hurts; their TCP 443 is fine behind the scrubber.';
    expect(portsOf(text)).toEqual(['udp/443']);
    // Named without a protocol, the quiet mention is outweighed by any active one.
    expect(portsOf('tcp/443 doubled overnight. Nothing unusual on 443 before that.')).toEqual(['tcp/443']);
  });

  it('drops where a honeypot listens when the port is said to get nothing', () => {
    const text =
      'The honeypot emulates the Docker API on TCP port 2375. Next to it, the honeypot also listens on 2376, ' +
      'the TLS port. Over 30 days 2375 received 14,912 requests. 2376 received nothing.';
    expect(portsOf(text)).toEqual(['tcp/2375']);
    expect(portsOf('The service on 37777 is hammered since Monday.')).toEqual(['?/37777']);
  });

  it('drops a port others asked about when the answer is no', () => {
    const text =
      'また、UDP 161 宛て（SNMP）のパケットについても問い合わせをいただいておりますが、' +
      'TSUBAME では特段の増加は確認しておりません。TCP 5555 宛てが増加しています。';
    expect(portsOf(text)).toEqual(['tcp/5555']);
    expect(portsOf("We've had questions about udp/161 too, but see no increase.")).toEqual([]);
  });

  it('reads every port of a clause that opens on the source ports as a source port', () => {
    const r = report(
      'Source ports were udp/389 (CLDAP, ~70%) and udp/3702 (WS-Discovery, ~25%), destination ports random.',
    );
    expect(r.ports).toEqual([]);
    expect(r.sourcePorts.map((p) => p.port)).toEqual([389, 3702]);
    expect(portsOf('Traffic from source port 53 to destination port 8080.')).toEqual(['?/8080']);
  });

  it('reads a port after a scanner verb with time words, a share of the traffic, a slashed pair', () => {
    expect(portsOf('A handful of the same IPs also tried 3389 right after the 445 probes.')).toEqual(['?/3389']);
    expect(portsOf('We saw the same scanner touch 646 a few minutes later.')).toEqual(['?/646']);
    expect(portsOf('Floods to udp 5060, a smaller amount to 5061 and 5080.')).toEqual([
      'udp/5060',
      'udp/5061',
      'udp/5080',
    ]);
    expect(portsOf('The usual 37215/52869 pair, plus some noise.')).toEqual(['?/37215', '?/52869']);
    expect(portsOf('The serial tunnel and Modbus/TCP on 502 are exposed.')).toEqual(['tcp/502']);
    // Amounts stay amounts.
    expect(portsOf('We hit 300 a day. A jump to 500 later. They tried 3 times on 20 hosts.')).toEqual([]);
  });

  it('reads a range with its protocol after it, a bulleted port, and both protocols a sentence names', () => {
    const r = report('Ports of interest:\n  - 7547/tcp  (TR-069)  heaviest\n  - 8000-8010/tcp  sequential sweep');
    expect(r.ports.map((p) => `${p.proto}/${p.port}`)).toEqual(['tcp/7547']);
    expect(r.portRanges.map((x) => `${x.proto}/${x.from}-${x.to}`)).toEqual(['tcp/8000-8010']);
    expect(portsOf('Both the UDP and TCP listeners on port 53 are affected.')).toEqual(['tcp/53', 'udp/53']);
  });

  it('reads where reflected traffic came in from, and the port after "from any" in a pf rule, as sources', () => {
    const r = report(
      'A reflection aimed at udp/3074. Reflected traffic came in from udp/389 (CLDAP) and udp/11211 (memcached).',
    );
    expect(r.ports.map((p) => `${p.proto}/${p.port}`)).toEqual(['udp/3074']);
    expect(portsOf('block in quick on egress proto udp from any port 5071 to any port 5060')).toEqual(['udp/5060']);
  });

  it('keeps the port a correction puts in place of another, whatever words of taking back stand beside it', () => {
    const body =
      "In yesterday's diary I wrote that the scans were hitting TCP 8082. That was a typo on my part - the scans " +
      'target TCP 8088, the ResourceManager web UI port.';
    expect(portsOf(body, "Update: it's 8088, not 8082 (Hadoop YARN scans)")).toEqual(['tcp/8088']);
    // "the port is N", a name in brackets before "not", and the protocol of the thread's subject
    expect(
      portsOf(
        'Correction to my own post below: the port is 8291 (MikroTik Winbox), not 8921 - I transposed the digits.',
        'Re: [NSP-SEC] tcp/8921 scanning',
      ),
    ).toEqual(['tcp/8291']);
    expect(portsOf('the port is 8291, seeing lots of it')).toEqual(['?/8291']);
  });

  it("reads a reflection's vector as the port of a post that names no other, and as a source beside one", () => {
    expect(
      portsOf('We are seeing NTP reflection (udp/123, monlist-size replies) toward residential customers.'),
    ).toEqual(['udp/123']);
    const r = report('DNS reflection (udp/53, ANY queries) against the web farm on tcp/443.');
    expect(r.ports.map((p) => `${p.proto}/${p.port}`)).toEqual(['tcp/443']);
    expect(r.sourcePorts.map((p) => p.port)).toEqual([53]);
    // replies from a port name where answers come from, never what a post is about
    expect(portsOf('CLDAP (replies from udp/389) against one customer.')).toEqual([]);
    // pasted answers, and no port in the words: the reflectors' service is the report's
    const snippet = [
      'NTP monlist responses towards a single customer, from ~900 reflectors. Snippet:',
      '',
      '07:22:14.118233 IP 192.0.2.17.123 > 203.0.113.50.41877: NTPv2, Reserved, length 468',
      '07:22:14.118702 IP 198.51.100.140.123 > 203.0.113.50.23311: NTPv2, Reserved, length 468',
    ].join('\n');
    expect(portsOf(snippet)).toEqual(['udp/123']);
    expect(portsOf(`${snippet}\n\nThe customer's tcp/443 is what they are after.`)).toEqual(['tcp/443']);
  });

  it('drops a port a Japanese clause says is as last week, going on into its negation', () => {
    const text =
      'TCP/37215 宛が急増しました。なお、TCP/23 番ポート宛のパケット数は前週と同程度で、大きな変化はありません。';
    expect(portsOf(text)).toEqual(['tcp/37215']);
    expect(portsOf('前週と比べて 1433番（MSSQL）が倍増しています。')).toEqual(['tcp/1433']);
  });

  it('reads a port in brackets after a service and what serves it, and after "a little"', () => {
    expect(portsOf('My honeypots expose a fake Docker daemon (2375) and Redis.')).toEqual(['tcp/2375']);
    expect(portsOf('Also a little 2379 (etcd) from the same /24s, not much.')).toEqual(['tcp/2379']);
    expect(portsOf('SSH logins (340) today, and a little 20 minutes later.')).toEqual([]);
  });

  it('drops a port said not to be targeted, to have nothing there, or to be at its usual level', () => {
    // (a web port in a post about a web interface is TCP's)
    expect(portsOf('Rise on port 8000. The web interface on port 80 does not appear to be targeted.')).toEqual([
      'tcp/8000',
    ]);
    expect(portsOf('Hits on 5678. The port 8291 (winbox) we have closed and there is nothing there.')).toEqual([
      '?/5678',
    ]);
    expect(portsOf('8080/TCP 宛てが増加。なお、443/TCP 宛ては平常の水準で推移しています。')).toEqual(['tcp/8080']);
    expect(portsOf('6379/TCP 宛てが急増。今週は 5060/UDP 宛てのブロックはありませんでした。')).toEqual(['tcp/6379']);
  });

  it('takes back a port written with its protocol in a correction', () => {
    const text =
      'Correction: the TLS port is tcp/5061, not\ntcp/5062 as I wrote -- fat fingers, sorry.\n\n' +
      '> hitting udp/5060 and TLS on tcp/5062.';
    expect(portsOf(text, 'Re: SIP scanning: udp/5060 and tcp/5062')).toEqual(['udp/5060', 'tcp/5061']);
  });

  it('reads more ports said to come too, in English and in terse Japanese', () => {
    expect(portsOf('Heavy scanning of tcp/37215 and tcp/52869. Also 60001 and 7547 to a lesser degree.')).toEqual([
      'tcp/7547',
      'tcp/37215',
      'tcp/52869',
      'tcp/60001',
    ]);
    expect(portsOf('うちでも23番増えてます。2323 も少し。')).toEqual(['?/23', '?/2323']);
    // Not without a port of the post's own, nor an amount.
    expect(portsOf('Also 300 to a lesser degree.')).toEqual([]);
  });

  it('drops a port named in an aside of a subject the sentence then says is unaffected', () => {
    const text =
      'The agent on UDP port 161 is affected. The trap receiver, snmpkit-trapd on UDP 162, does not use ' +
      'this code and is not affected. Nothing at all on 2376 (Docker over TLS).';
    expect(portsOf(text)).toEqual(['udp/161']);
    expect(portsOf('UDP では 123/UDP、1900/UDP が上位ですが、件数は前週と同程度です。37215/TCP が増加。')).toEqual([
      'tcp/37215',
    ]);
    // A 、 between a clause and a port still parts them.
    expect(portsOf('2323番宛もわずかに見えていますが、443番は平常どおりです。')).toEqual(['?/2323']);
  });

  it('reads a range after "ports," or "udp ports:", with the protocol of the post\'s lines in it', () => {
    const r = report(
      'Each host gets the four VNC display ports, 5900-5903, in order.\n\n' +
        'Mar 14 11:02:33.418210 rule 3/(match) block in on em0: 92.63.197.153.52212 > 198.51.100.9.5900: ' +
        'S 1627393810:1627393810(0) win 1024',
    );
    expect(r.portRanges.map((x) => `${x.proto}/${x.from}-${x.to}`)).toEqual(['tcp/5900-5903']);
    expect(report('A SIP flood on udp ports: 5060-5062').portRanges.map((x) => `${x.proto}/${x.from}-${x.to}`)).toEqual(
      ['udp/5060-5062'],
    );
  });

  it("reads no port from a firewall's interface named port5", () => {
    expect(portsOf('Branch FGT, implicit deny, wan1 -> port5 and local-in. Probes on port 10443.')).toEqual([
      '?/10443',
    ]);
  });

  it('reads the ends of a range as the range, not as ports', () => {
    const r = report('TSUBAME において、6000/TCP から 6010/TCP までの範囲を順に探索するスキャンが増加しています。');
    expect(r.ports).toEqual([]);
    expect(r.portRanges.map((x) => `${x.proto}/${x.from}-${x.to}`)).toEqual(['tcp/6000-6010']);
    const pair = report('(2) 60001/TCP〜60010/TCP: 連続する 10 ポートへの水平スキャン');
    expect(pair.ports).toEqual([]);
    expect(pair.portRanges.map((x) => `${x.proto}/${x.from}-${x.to}`)).toEqual(['tcp/60001-60010']);
  });

  it("reads a protocol written together with its port, and a port in a non-native speaker's words", () => {
    expect(portsOf('FortiGate の SSL-VPN (うちは TCP10443 で待ち受けてます) へのログイン試行が急増')).toEqual([
      'tcp/10443',
    ]);
    expect(
      portsOf('DNS on port 53 UDP and also TCP 53. Beside this, a flood of TCP SYN in the porta 80 e 443.'),
    ).toEqual(['tcp/53', 'udp/53', 'tcp/80', 'tcp/443']);
    // A numbered list's next item is no port of the protocol before it.
    expect(portsOf('1. 23/TCP (Telnet) 2. 22/TCP (SSH) 3. 8080/TCP 4. 445/TCP')).toEqual([
      'tcp/22',
      'tcp/23',
      'tcp/445',
      'tcp/8080',
    ]);
  });

  it('drops what the attackers serve their files from, and what a list of subjects says is unaffected', () => {
    expect(
      portsOf(
        'Exploits on TCP port 37215. The command downloads a Mirai variant from a server listening on port 8088.',
      ),
    ).toEqual(['tcp/37215']);
    expect(
      portsOf(
        'SNMP (UDP port 161) is exploited, with a TFTP server under their control (UDP/69 on the attacker side).',
      ),
    ).toEqual(['udp/161']);
    expect(
      portsOf(
        'The service on TCP port 8443 is affected. IKE/IPsec (UDP 500 and 4500), the SSL-VPN portal and the data ' +
          'channel are not affected.',
      ),
    ).toEqual(['tcp/8443']);
    expect(
      portsOf('Rise on tcp/37215. Port 52869, which usually moves with 37215, stays at its usual background level.'),
    ).toEqual(['tcp/37215']);
    // out of the background is news
    expect(portsOf('tcp/8291 went from background noise to 3rd place after 14:00.')).toEqual(['tcp/8291']);
  });

  it('drops a Japanese port out of the ranking now, or not seen, and keeps one that rose from out of it', () => {
    expect(portsOf('60001 番が急増。先週1位だった 445番は今週は圏外でした。')).toEqual(['?/60001']);
    expect(portsOf('前期は20位圏外だった 6379/TCP (Redis) 宛てのパケットが急増しました。')).toEqual(['tcp/6379']);
    expect(portsOf('23/TCP 宛てが増加。37215/TCP 宛てのパケットについては、大きな変化は見られておりません。')).toEqual([
      'tcp/23',
    ]);
    expect(portsOf('Scans on 2375/tcp picked up. The TLS-protected Docker port (2376) did not change.')).toEqual([
      'tcp/2375',
    ]);
  });

  it('reads a slashed list at the end of a sentence, and no list that starts with a date', () => {
    expect(portsOf('Seeing tcp 22/23/2323. Also UDP 500/4500.')).toEqual([
      'tcp/22',
      'tcp/23',
      'udp/500',
      'tcp/2323',
      'udp/4500',
    ]);
    expect(portsOf('TCP/UDP 1990/10/10 /8')).toEqual([]);
  });

  it('reads a proof of concept against a stand-in host, and drops ports not touched, not tested or unaffected', () => {
    expect(portsOf('Unauthenticated: rtsp://<camera>:554/live/ch0 serves the stream.')).toEqual(['?/554']);
    expect(portsOf('A sweep of tcp/2375; the TLS Docker port 2376 is not being touched at all.')).toEqual(['tcp/2375']);
    expect(portsOf('Telnet on tcp/23 is open. RTSP on 554 was not tested.')).toEqual(['tcp/23']);
    expect(
      portsOf(
        'The HTTPS service on TCP 443 is affected. The legacy HTTP interface (TCP 80), when enabled, only ' +
          'redirects to HTTPS and is not affected.',
      ),
    ).toEqual(['tcp/443']);
    // "not much" of a port is some of it.
    expect(portsOf('Seeing tcp/6443. Also a little 2379 (etcd) from the same /24s, not much.')).toEqual([
      'tcp/2379',
      'tcp/6443',
    ]);
  });

  it('keeps a port whose sentence only sounds like a retraction, a negation or a source', () => {
    const kept: Array<[string, string[]]> = [
      ['We see tcp/23 and tcp/2323 rising since Monday; the affected hosts are ours.', ['tcp/23', 'tcp/2323']],
      ['The tcp/23 traffic turned out to be a Mirai variant hitting our own customers.', ['tcp/23']],
      ['Scanners on tcp/5555 ignore the rate limit and keep coming.', ['tcp/5555']],
      ['Stats pulled from our darknet sensors show tcp/23 up 4x since Monday.', ['tcp/23']],
      ['Attacker-controlled hosts in AS12345 are hammering tcp/22 since Monday.', ['tcp/22']],
      ['We logged zero-day exploitation attempts against tcp/10443 since Monday.', ['tcp/10443']],
      ['Routers that had not been patched were hit via tcp/8291 last night.', ['tcp/8291']],
      ['tcp/23 up 4x since Monday, but there is no change on other ports.', ['tcp/23']],
      ['Big spike on tcp/7547 overnight, our CPEs are not affected.', ['tcp/7547']],
      ['We see tcp/8443 at three times its normal levels.', ['tcp/8443']],
      ['The probes came from AS4134 and hammered tcp/23 on our CPEs.', ['tcp/23']],
    ];
    for (const [text, ports] of kept) expect(portsOf(text), text).toEqual(ports);
  });

  it("reads no port from an amount set, a count going up in Japanese, or netstat's tcp46", () => {
    expect(portsOf('We raised the number of sessions to 5000, then the flood stopped.')).toEqual([]);
    expect(report('件数は前週比で 120 から 450 まで増えました。').portRanges).toEqual([]);
    expect(portsOf('tcp46      0      0  *.22  *.*  LISTEN')).not.toContain('tcp/46');
  });

  it('keeps a port the post says is not usually seen, or not only that one', () => {
    expect(portsOf("A trickle to udp/37810, which we don't usually see at all.")).toEqual(['udp/37810']);
    expect(portsOf('We are not only seeing hits on 1026 and 1030 but a flood too.')).toEqual(['?/1026', '?/1030']);
    expect(portsOf('The DTLS channel on UDP 4433 is not reachable pre-auth.')).toEqual(['udp/4433']);
  });

  it('reads a list of ports after "on", and "dst N"', () => {
    expect(portsOf('Seeing a step change since 14:20 UTC today on 22, 23 and 2323 toward our customers.')).toEqual([
      '?/22',
      '?/23',
      '?/2323',
    ]);
    expect(portsOf('Traffic is UDP with source port 389 aimed at dst 443, so CLDAP reflection.')).toEqual(['udp/443']);
    // A slashed date after a change is no list of ports; nor is a list of days.
    expect(portsOf('a change on 11/20 and attacks on 3, 4 and 5 November')).toEqual([]);
  });

  it('reads the ways a hurried post writes a port', () => {
    expect(portsOf('same here plus TCP8080 and tcp-37215 from the same pool')).toEqual(['tcp/8080', 'tcp/37215']);
    expect(portsOf('it listens on tcp-4443 (web mgmt) and 8022-tcp (ssh mgmt) when HA is on')).toEqual([
      'tcp/4443',
      'tcp/8022',
    ]);
    expect(portsOf('lots of ANY queries udp dst port=53 to a couple of our resolvers')).toEqual(['udp/53']);
    expect(portsOf('still going, dpt 8081, ~220 pps at peak')).toEqual(['?/8081']);
    expect(portsOf('seeing big jump tcp 2323 + 23 from ~4k srcs since 0330z')).toEqual(['tcp/23', 'tcp/2323']);
    expect(portsOf('scan src 198.51.100.0/24 -> :8080 and :8081 on most of our v6 too')).toEqual(['?/8080', '?/8081']);
    expect(portsOf('so they hit 8443 and 49152 (upnp on some routers)')).toEqual(['?/8443', '?/49152']);
    expect(portsOf('also telnetd on 23 w/ hardcoded pw')).toEqual(['tcp/23']);
    expect(portsOf('sshd on 2222 getting it now too, not just 22')).toEqual(['tcp/22', 'tcp/2222']);
    // a level reached is no port; nor is a source port after a hyphenated "source-port"
    expect(portsOf('traffic hit 800 Mbps and we hit 500 by noon')).toEqual([]);
    expect(portsOf('match destination 203.0.113.9/32 protocol udp source-port =389|=11211')).toEqual([]);
  });

  it("takes back a correction's wrong line, traffic that was our own scanner, and drops what is not vulnerable", () => {
    expect(portsOf('誤: 2323/tcp 宛て通信の増加\n正: 23231/tcp 宛て通信の増加', '【訂正】Re: 2323/tcp 宛て')).toEqual([
      'tcp/23231',
    ]);
    expect(portsOf('Wrong: tcp/2323 Right: tcp/23231')).toEqual(['tcp/23231']);
    expect(
      portsOf('Correction: the 4786 traffic was our new vulnerability scanner.', 'Re: Smart Install (4786)'),
    ).toEqual([]);
    expect(portsOf('The web UI on tcp/8443 is exposed. The RTSP service on tcp/554 is not vulnerable.')).toEqual([
      'tcp/8443',
    ]);
    expect(portsOf('なお、先月まで上位だった 1900/udp は、今月は観測されませんでした。')).toEqual([]);
    expect(portsOf('2024/06/12 03:15頃から AS64511 向け経路が不安定となりました。')).toEqual([]);
  });

  it('drops a port said to show no sign of use, out of scope, closed, to have had no requests, or not included', () => {
    expect(
      portsOf('MongoDB on tcp/27017. Kibana (tcp/5601) was exposed as well but shows no sign of being touched.'),
    ).toEqual(['tcp/27017']);
    expect(portsOf('Redis on tcp/6379 was hit. Redis Sentinel (tcp/26379) was out of scope this round.')).toEqual([
      'tcp/6379',
    ]);
    expect(portsOf('WHM on tcp/2087 is hammered. The non-TLS ports 2082/2086 are closed on our side anyway.')).toEqual([
      'tcp/2087',
    ]);
    expect(portsOf('Kubelet on tcp/10250 was probed; tcp/10255 received no requests at all.')).toEqual(['tcp/10250']);
    expect(portsOf('udp/53 への再帰問い合わせに応答していました。tcp/53 は今回の通知には含まれていません。')).toEqual([
      'udp/53',
    ]);
    expect(portsOf('ゲームの問い合わせ用ポート (UDP 27015) は攻撃対象になっていません。')).toEqual([]);
    expect(
      portsOf('念のため kube-apiserver (6443/tcp) も調べましたが、こちらへの通信は一件も見えていません。'),
    ).toEqual([]);
    // a count in the rest of the sentence is no port of its own, nor is the port named again
    expect(
      portsOf('We also looked for Webmin (tcp/10000): nothing here, zero hits across our ~2,000 panel hosts.'),
    ).toEqual([]);
    expect(
      portsOf('The complaint also lists WinRM (tcp/5985), but there is no 5985 anywhere in their excerpt.'),
    ).toEqual([]);
  });

  it("takes no port from a log line the post says is the attackers' server, nor from fragments' port 0", () => {
    const eve =
      '{"timestamp":"2024-03-14T11:02:41.905512+0000","event_type":"http","src_ip":"10.0.8.21","src_port":47110,' +
      '"dest_ip":"203.0.113.66","dest_port":8000,"proto":"TCP"}';
    expect(
      portsOf(`${eve}\n\nThe last record is the script download from the attacker's server on port 8000.`),
    ).toEqual([]);
    const aws =
      '2 111122223333 eni-0f1e2d3c4b5a69788 198.51.100.9 10.20.1.15 0 0 17 30112 45168000 ' +
      '1710364020 1710364080 ACCEPT OK';
    expect(portsOf(aws)).toEqual([]);
  });

  it('reads no count, size or year a sentence corrects, nor a name with a protocol in it, as a port', () => {
    for (const t of [
      'TTL was actually 64',
      'Our MTU is actually 1500.',
      'The botnet size was actually 3000.',
      'Sorry, I meant 2024, not 2023.',
      'That was 1500, not 9000.',
      '送信元は 300 ではなく 3000 でした',
      'IPv6-TCP traffic is up, IPv4-UDP scans too, L4-UDP floods as well',
      'attackers hit 30 of our hosts, not just 22',
    ])
      expect(portsOf(t), t).toEqual([]);
    expect(portsOf('The 8080 hits were actually 12000 yesterday.', 'tcp/8080 up')).toEqual(['tcp/8080']);
  });

  it('keeps a port the post reports as seen beside words the new denials know', () => {
    expect(portsOf('tcp/445 scanning continues with no sign of slowing down.')).toEqual(['tcp/445']);
    expect(portsOf("tcp/8443 is not vulnerable on our side but it's scanned 10x more than last week")).toEqual([
      'tcp/8443',
    ]);
    expect(portsOf('The tcp/4786 scans spiked and it was our IDS monitoring that caught them.')).toEqual(['tcp/4786']);
  });

  it('reads the port a service is on before what maps it elsewhere', () => {
    expect(portsOf("T-Pot here, telnet on 23 mapped to Cowrie's listener inside docker.")).toEqual(['tcp/23']);
  });

  it("takes no victim's port from a reflector's answers, even one that lands on a low port", () => {
    const sample = (dpt: number) =>
      'FLOW,192.0.2.250,12,27,001b21aa0101,00005e005301,0x0800,2001,2001,198.51.100.61,203.0.113.140,17,0x00,57,' +
      `427,${dpt},0,1514,1500,16384`;
    // (the reflectors' service is the report's, as the post names no other)
    expect(portsOf(`SLP reflection sourced from udp/427:\n\n${sample(34021)}\n${sample(22)}\n`)).toEqual(['udp/427']);
    expect(portsOf(`SLP reflection at tcp/443's host:\n\n${sample(34021)}\n${sample(22)}\n`)).toEqual(['tcp/443']);
  });

  it('weighs a message quoted in full under an Outlook header as the post a top-poster answers', () => {
    const body =
      'The complaint lists WinRM, but our egress logs show zero connections on tcp/5985.\n\n' +
      '________________________________\nFrom: Abuse <abuse@host.example>\nSent: Thursday, March 14, 2024 08:17\n' +
      'To: Customer <c@customer.example>\nSubject: Abuse complaint\n\nPorts: 3389/tcp, 5985/tcp\n';
    expect(portsOf(body)).toEqual(['tcp/3389']);
  });

  it('reads the port a correction names instead, and never a setting corrected the same way', () => {
    expect(portsOf('Sorry, that was 8081, not 8080. I mixed up two sensors.')).toEqual(['?/8081']);
    expect(portsOf('Correction: the hits I attributed to 5555 were actually 5558 (typo in my filter).')).toEqual([
      '?/5558',
    ]);
    expect(portsOf('Please check that your MTU on the peering VLAN 2001 is 1500, not 9000.')).toEqual([]);
    expect(portsOf('it was 300, not 3000 sources')).toEqual([]);
  });

  it('gives a port the protocol of the flood that goes to it, and a TCP flag says TCP', () => {
    expect(portsOf('Victims see UDP floods to random high ports plus TCP SYN floods to 443 and 80.')).toEqual([
      'tcp/80',
      'tcp/443',
    ]);
    expect(portsOf('', 'GRE floods with random inner UDP + ACK flood to 443')).toEqual(['tcp/443']);
    expect(portsOf('- Modbus/TCP (502): function code 43\n- Siemens S7comm on ISO-TSAP (102): SZL reads')).toEqual([
      'tcp/102',
      'tcp/502',
    ]);
  });

  it("drops a port that stayed quiet past an aside, that nothing ever touched, or a range's source port", () => {
    expect(portsOf('Port 30005, which some ISPs use for the ACS connection request, stayed quiet.')).toEqual([]);
    expect(portsOf('The payload uses tftp; nothing from those sources ever touched udp/69 on our side.')).toEqual([]);
    expect(portsOf('- memcached (udp/11211): zero events this quarter; we consider it dead.')).toEqual([]);
    expect(portsOf('Spam to udp/1026-1031 again. All 3 sources use a source port of 1028 every time.')).toEqual([]);
  });

  it('takes back the port a correction puts another in place of', () => {
    expect(portsOf('sorry, meant dpt 8081 not 8080. typo on phone', 'Re: 8080 scanning from AS64511')).toEqual([
      '?/8081',
    ]);
    expect(portsOf('すみません、訂正です。37215 ではなく 52869 でした。', 'Re: ポート 37215 への探索')).toEqual([
      '?/52869',
    ]);
    expect(portsOf('the drops were icmp being filtered, not anything on tcp 443')).toEqual([]);
  });

  it('reads a port a flood is "sourced from" as the source port', () => {
    const r = report('We see UDP 1026-31 in equal shares, all sourced from port 53.');
    expect(r.ports.map((p) => `${p.proto}/${p.port}`)).toEqual([]);
    expect(r.sourcePorts.map((p) => p.port)).toEqual([53]);
  });

  it('does not read the end of a Japanese range as a port of its own', () => {
    const r = report('TCP 5900〜5903 番へのスキャンを観測しています。');
    expect(r.ports).toEqual([]);
    expect(r.portRanges.map((x) => `${x.proto}/${x.from}-${x.to}`)).toEqual(['tcp/5900-5903']);
  });

  it("reads what a scanner does to a port, the activity after a port's number, a protocol over a slashed list", () => {
    expect(portsOf('A smaller slice of the same hosts also tries 5858 -- probably the same kit.')).toEqual(['?/5858']);
    expect(portsOf('Port 23 probes spiked today; port 2 packets were seen.')).toEqual(['?/23']);
    expect(portsOf('Some sources also poke TCP/10443 and 4433 (SSL VPN portals).')).toEqual(['tcp/4433', 'tcp/10443']);
    expect(portsOf('The portal listens on TCP 443 by default, or on 10443 on small models.')).toEqual([
      'tcp/443',
      'tcp/10443',
    ]);
    // A count has its noun after it.
    expect(portsOf('They were hitting 300 hosts and tried 3 times, probing 4500 addresses.')).toEqual([]);
  });

  it('reads no days of a month as ports, nor a count after a verb of using', () => {
    expect(portsOf('We saw tcp/5000 probes on 12, 13 and 14 Nov, and port 445 scans on 20 and 21 this month.')).toEqual(
      ['tcp/445', 'tcp/5000'],
    );
    expect(
      portsOf('Port 3389 brute force; the tool used 300, 500 and 1000 passwords and 1000 as the threshold.'),
    ).toEqual(['?/3389']);
    expect(portsOf('23番宛が増えてます。昨日は 1000 も来てました。送信元は 4134 が見えてます。')).toEqual(['?/23']);
  });

  it('keeps the port of a clause that says something else is not so', () => {
    expect(portsOf('tcp/8291 up 10x, no sign of successful logins.')).toEqual(['tcp/8291']);
    expect(portsOf("tcp/2375 probes are up and we aren't affected.")).toEqual(['tcp/2375']);
    expect(portsOf('Not sure why, tcp/445 doubled overnight.')).toEqual(['tcp/445']);
    expect(portsOf("We hadn't seen tcp/5000 before Monday, now it's everywhere.")).toEqual(['tcp/5000']);
    expect(portsOf('8080番宛てが増えていますが、影響はありません。')).toEqual(['?/8080']);
    expect(portsOf('今までTCP/37215は見えていませんでしたが、今朝から急増しています。')).toEqual(['tcp/37215']);
    expect(portsOf('３３８９番はＦＷで遮断しているため、こちらでは観測できていません。23番宛が増加。')).toEqual([
      '?/23',
    ]);
  });

  it('keeps the ports of prose after a log line that names a source alone, and reads no sentence as a record', () => {
    const text = [
      "Mar 16 21:05:33 cpe dropbear[2211]: Bad password attempt for 'root' from 198.51.100.3:51000",
      'The same source is also scanning tcp/7547 and tcp/8291 across our ranges.',
    ].join('\n');
    expect(portsOf(text)).toEqual(['tcp/7547', 'tcp/8291']);
    expect(report(text).logLines).toHaveLength(1);
    const sentence = 'Every CPE shows a login failure for user admin from 198.51.100.140 via winbox, on tcp/8291.';
    expect(report(sentence).logLines).toEqual([]);
    // a summary's columns are the table reader's: no connection records to take its header away
    expect(portsOf('src  dst_port  flows\n198.51.100.0/24  23  5000')).toEqual(['?/23']);
  });

  it('reads no reflection doubted as a vector, no count or year as the port a correction meant, no switch port', () => {
    expect(portsOf('This is not an NTP reflection (udp/123); it is a plain SYN flood.')).toEqual([]);
    expect(portsOf('We first suspected SSDP reflection (udp/1900) but ruled that out.')).toEqual([]);
    expect(portsOf('Please ignore the udp/1900 report from earlier. Peak was 1900, not 19000, sources.')).toEqual([]);
    expect(portsOf('Sorry, the campaign started in 2026, not 2025.')).toEqual([]);
    expect(portsOf('the port is 3 on the switch and we see tcp/23.')).toEqual(['tcp/23']);
    expect(portsOf('Our edge ports are 48 in total.')).toEqual([]);
    // only a correction's port takes the protocol of the subject's ports
    expect(portsOf('SSH brute force on port 2222', 'UDP flood from AS64500')).toEqual(['tcp/2222']);
    // a service only TCP carries gives its protocol, one UDP also carries none
    expect(portsOf('Both SIP and SSH are busy here, on 5060 and 2222.')).toEqual(['?/2222', '?/5060']);
    expect(portsOf('The telnet honeypot gets hits on 23 and 2323.')).toEqual(['tcp/23', 'tcp/2323']);
  });

  it("takes no port from a server's answers to high ports, nor from what is serving normally", () => {
    const flow = (dpt: number) =>
      `{"src":"192.0.2.150","sport":80,"dst":"203.0.113.23","dport":${dpt},"proto":6,"flags":"PA","pkts":1}`;
    const text = `Middlebox reflection, the triggers go to tcp/80:\n\n${[40119, 12870, 61002].map(flow).join('\n')}\n`;
    expect(portsOf(text)).toEqual(['tcp/80']);
    expect(portsOf('web on 80/443 is serving normally but tcp/8080 jumped 10x.')).toEqual(['tcp/8080']);
  });

  it("reads each row of an aligned table apart: one row's 'flat' says nothing of the next row's port", () => {
    const text = [
      ' #  port/proto   pkts (M)   uniq src   WoW',
      ' 3  445/tcp        39.0       9,411    flat',
      ' 4  8728/tcp       12.1       2,301    +212%',
    ].join('\n');
    expect(portsOf(text)).toContain('tcp/8728');
  });

  it('reads "make that N" after a slip of a port as the port meant, and the slip as taken back', () => {
    expect(
      portsOf('A big jump in SYNs to tcp/7574 from a few hundred hosts -- err, make that 7547, fat fingers.'),
    ).toEqual(['tcp/7547']);
    expect(portsOf('The campaign started in 2019, make that 2018.')).toEqual([]);
    expect(portsOf('The dump had 3000 entries, make that 300.')).toEqual([]);
  });

  it('parts clauses at a dash, reads past an aside of what a port usually is, and takes no port 0', () => {
    expect(
      portsOf('Our sensors only show exploitation attempts on tcp/9090 - we see no traffic at all on 9443.'),
    ).toEqual(['tcp/9090']);
    expect(
      portsOf('Interestingly chargen on udp/19, usually part of these lists, was flat in the same period.'),
    ).toEqual([]);
    expect(portsOf('tcp/23, usually quiet, jumped 10x overnight.')).toEqual(['tcp/23']);
    expect(portsOf('Port 0 is the fragments, and tcp/443 is the customer.')).toEqual(['tcp/443']);
  });

  it('keeps a port said quiet only of a time gone by, when the post goes on to now', () => {
    expect(portsOf('Port 8080 had no requests last week, this week 40,000.')).toEqual(['?/8080']);
    expect(portsOf('Last month tcp/5555 was quiet. Now it is 20x.')).toEqual(['tcp/5555']);
    expect(portsOf('先週は 8080/tcp への通信はありませんでしたが、今週は 4 万件を超えています。')).toEqual([
      'tcp/8080',
    ]);
    // still quiet now, or no now at all
    expect(portsOf('Nothing on tcp/23 last week and nothing this week either.')).toEqual([]);
    expect(portsOf('tcp/445 was flat last week. This week it is flat too.')).toEqual([]);
    expect(portsOf('先週は 8080/tcp への通信はありませんでした。今週も同様です。')).toEqual([]);
    expect(portsOf('No change on tcp/22 since last week.')).toEqual([]);
    expect(portsOf('Increase on 2375/tcp. No notable increase was seen on 2376/tcp (TLS).')).toEqual(['tcp/2375']);
    for (const quiet of [
      'No traffic on tcp/8291 last week, nor this week.',
      'tcp/5555 was quiet last month. Now it is the same.',
      'Zero hits on tcp/9000 last week, this week 0.',
      'We saw nothing on udp/161 yesterday. Today I am out of the office.',
      'Nothing on tcp/8291 last week; this week (2026-12-07) is being checked.',
      'No hits on tcp/9000 yesterday; today at 09:30 I will look at it.',
    ])
      expect(portsOf(quiet), quiet).toEqual([]);
  });

  it('reads a flow tool\'s "src" port as the scanners\' source port, not a port the post is about', () => {
    const r = report('Breakdown:\n  udp src 123   (NTP monlist)    ~55%\n\nDestination was tcp/27015.');
    expect(r.ports.map((p) => `${p.proto}/${p.port}`)).toEqual(['tcp/27015']);
    expect(r.sourcePorts.map((p) => p.port)).toEqual([123]);
    // NTP's port is named, as a source: it implies no port of its own.
    expect(r.impliedPorts).toEqual([]);
  });
});

describe('what a reply or a report says of a port beside naming it', () => {
  it('reads what scanners do to a port in plain verbs: walk, knock', () => {
    expect(portsOf('A few of the same sources also walk 3390 and 33890.')).toEqual(['?/3390', '?/33890']);
    expect(portsOf('They keep knocking on 2323 every night.')).toEqual(['?/2323']);
  });

  it('takes back a spike the poster says was their own, and reads no quiet time as a quiet port', () => {
    expect(
      portsOf('Correcting myself: the 27015 "spike" I posted yesterday was our own game server. tcp/5900 is real.'),
    ).toEqual(['tcp/5900']);
    expect(portsOf('Our honeypot (port 9200) got hits today after two quiet weeks.')).toEqual(['?/9200']);
    expect(portsOf('Port 9200 is quiet.')).toEqual([]);
  });

  it('reads no port a post names as history, as a background or as advice', () => {
    expect(portsOf('SYNs to tcp/37215 are up. Same trick as the tcp/5000 wave back in 2005.')).toEqual(['tcp/37215']);
    expect(portsOf('2323/tcp is up: the same credential list as the 23/tcp background.')).toEqual(['tcp/2323']);
    expect(
      portsOf('Exploitation on 443/tcp. Management access (22/tcp) should not be exposed to the Internet.'),
    ).toEqual(['tcp/443']);
  });

  it("reads a verdict after a figure's thousands comma as said of the port", () => {
    expect(portsOf('We logged 1,204 hits on 6379 yesterday vs 1,187 the day before - flat, as always.')).toEqual([]);
    expect(portsOf('8080/tcp も見ていますが、こちらは普段と同じレベルです。23/tcp は急増。')).toEqual(['tcp/23']);
  });

  it("leaves out a miner's pool and the port bots call home on, which no scanner comes to", () => {
    expect(portsOf('Docker API scans on tcp/2375; the miner talks to a pool on port 3333.')).toEqual(['tcp/2375']);
    expect(portsOf('The bots call home on 443/tcp with a custom protocol. They scan 34567/tcp.')).toEqual([
      'tcp/34567',
    ]);
  });

  it('reads a port inside a stated range as quiet when the post says so', () => {
    expect(portsOf('SIP scans now spread across udp/5060-5080.\n5061 (TLS) is quiet.')).toEqual([]);
    expect(portsOf('spoofed UDP 1026-31 ... a handful to 1027')).toEqual(['udp/1027']);
  });

  it("reads a reflector's service named as the flood's source as the vector, over UDP", () => {
    const vectors = ['Reflection attack on a customer. Vectors:', '  - NTP monlist, src udp/123   ~80% of volume'];
    expect(portsOf([...vectors, '  - CLDAP, src udp/389         ~18%'].join('\n'))).toEqual(['udp/123', 'udp/389']);
    expect(portsOf('+1, same reflectors here, ~600 sources, all src 123/udp.')).toEqual(['udp/123']);
    expect(portsOf('The actual vector is WS-Discovery reflection, source port 3702, 12 Gbps.')).toEqual(['udp/3702']);
    // no reflection said: a source port stays the scanners'
    expect(portsOf('Flows from src udp/123 to our NTP clients look normal.')).toEqual([]);
  });
});

describe('what a reply says of the ports it quotes', () => {
  const quote = '> We see tcp/5000 rising since Monday, ~400 sources.';
  const reply = (own: string) => portsOf(`${own}\n\n${quote}`, 'Re: tcp/5000 scanning');
  it("keeps the quoted post's ports where the reply shares them, and drops them where it sees none", () => {
    expect(reply('+1')).toEqual(['tcp/5000']);
    expect(reply('Same here, about 300 sources.')).toEqual(['tcp/5000']);
    expect(reply('弊社でも同じ時間帯に見えています。')).toEqual(['tcp/5000']);
    expect(reply('Not seeing this here.')).toEqual([]);
    expect(reply("Thanks, we applied the ACL. Haven't had an event ourselves, this was preventive.")).toEqual([]);
    expect(reply('弊社では観測されていません。')).toEqual([]);
    // its own port stays
    expect(reply('Not seeing this here, but we do see tcp/23 up.')).toEqual(['tcp/23']);
  });

  it('drops a quoted port whose service the reply says it does not see, and keeps the vector it adds', () => {
    const dns = '> DNS amplification against our customers (udp/53 sourced), 62 Gbps.';
    expect(portsOf(`CLDAP reflection here, udp/389 sourced. No DNS component at all on our side.\n\n${dns}`)).toEqual([
      'udp/389',
    ]);
    const ntp = '> NTP reflection against 198.51.100.0/24, udp/123 sourced.';
    expect(portsOf(`Adding 161 - we see SNMP reflection (udp/161 sourced) too.\n\n${ntp}`, 'RE: NTP')).toEqual([
      'udp/123',
      'udp/161',
    ]);
  });

  it('takes back what a poster says came from their own scanner or was no attack', () => {
    expect(portsOf('The hits on 10443 I mentioned came from our own lab scanner. Attacks on TCP 443 only.')).toEqual([
      'tcp/443',
    ]);
    expect(portsOf('The udp/53 traffic I described was NOT an attack. The real one is a flood on tcp/853.')).toEqual([
      'tcp/853',
    ]);
    expect(portsOf('We see tcp/6379 up. Our udp/11211 filters show basically zero.')).toEqual(['tcp/6379']);
    expect(portsOf('Yes on udp/1900 (SSDP), no on udp/3702 (WS-Discovery).')).toEqual(['udp/1900']);
  });

  it('reads Japanese words for a wave that has ended or shows no change', () => {
    expect(portsOf('37215/tcp が急増。先週目立っていた123/udpへの大量着信は、月曜以降ほぼ収まっています。')).toEqual([
      'tcp/37215',
    ]);
    expect(portsOf('81/tcpの活動は昨日で終息し、今日は平常レベルでした。23/tcpが活発化。')).toEqual(['tcp/23']);
    expect(portsOf('60001/tcpが活発。3389/tcp(RDP)は先週と比べて大きな変動はありません。')).toEqual(['tcp/60001']);
    expect(portsOf('5555/TCP 宛のパケットは、ほとんど観測されなくなりました。81/TCP は増加。')).toEqual(['tcp/81']);
  });
});

describe('denials and retractions in the ways members write them', () => {
  it('lets a denial reach past a double dash to the port after it', () => {
    expect(portsOf('We see no increase on tcp/445 -- or on tcp/139 for that matter.')).toEqual([]);
  });

  it('drops a port a flow export holds none of, and one 「特に異常ありません」, not one asked or checked about', () => {
    expect(portsOf('It is NOT memcached: there is no udp/11211 in it at all. It is CHARGEN (udp/19).')).toEqual([
      'udp/19',
    ]);
    expect(
      portsOf('3389/tcp へのログイン失敗が増えています。社内の VPN 装置 (443/tcp) のほうは特に異常ありません。'),
    ).toEqual(['tcp/3389']);
    expect(portsOf('皆さんのところでは 5060/udp に異常ありませんか？当方では昨日から 10 倍に増えています。')).toEqual([
      'udp/5060',
    ]);
    expect(portsOf('先週までは 8291/tcp は異常なしでしたが、昨夜から 20 倍に急増しています。')).toEqual(['tcp/8291']);
  });

  it('reads a stressed *not* as not', () => {
    expect(portsOf('Sharp climb in SYNs to tcp/37215. Note we have *not* seen matching growth on tcp/52869.')).toEqual([
      'tcp/37215',
    ]);
  });

  it('drops a port of which no corresponding increase was seen', () => {
    expect(
      portsOf(
        'An increase in packets to TCP port 9530 since 2025-02-27.\n\nNo corresponding increase was seen on TCP 23.',
      ),
    ).toEqual(['tcp/9530']);
  });

  it('says one thing of every port of a list its commas part, not of a port before a comma that turns', () => {
    expect(portsOf('TCP 8443 doubled. Ports 23, 22, 445 and 3389 are at their normal levels.')).toEqual(['tcp/8443']);
    expect(portsOf('8443/tcp doubled. 23/tcp, 22/tcp and 445/tcp are flat.')).toEqual(['tcp/8443']);
    expect(portsOf('Big rise on tcp/8443, 445 and 22 are flat.')).toContain('tcp/8443');
    expect(portsOf('We logged 1,204 hits on tcp/6379, up from 80.')).toEqual(['tcp/6379']);
  });

  it('drops a port said to be out of the mix, not to be counted as a target, or absent this time', () => {
    expect(
      portsOf('TR-069 probing on tcp/7547 is back. tcp/5555, which rode along in 2016, is not in the mix at all.'),
    ).toEqual(['tcp/7547']);
    expect(
      portsOf(
        'Exploits hit 37215/tcp. Please do not treat 6667 or 8088 as scan targets; they are attacker infrastructure.',
      ),
    ).toEqual(['tcp/37215']);
    expect(
      portsOf('A SYN flood at tcp/443 for three hours. No chargen/udp-19 this time, which was a surprise.'),
    ).toEqual(['tcp/443']);
  });

  it('drops the server bots fetch their files or config from, in either language', () => {
    expect(
      portsOf('Scanning of tcp/3389 is up. Infected hosts pull their config from 203.0.113.9 on 6667/tcp.'),
    ).toEqual(['tcp/3389']);
    expect(
      portsOf('34567/TCP が増えています。ログイン後に 198.51.100.77 の 8088 番からバイナリを落とそうとします。'),
    ).toEqual(['tcp/34567']);
  });

  it('reads each item of a list on its own: what one item says is not of the next', () => {
    const text = [
      '34567/TCP 宛のパケットが増加しています。',
      '・3月11日以前と比較してパケット数は約6倍',
      '・同じ製品群で使われる 9530/TCP については、今回の観測期間に増加は',
      '  見られていません',
    ].join('\n');
    expect(portsOf(text)).toEqual(['tcp/34567']);
  });

  it("drops what a correction's 誤） line names and an advisory lists under a heading of what is not affected", () => {
    const fix = ['誤）8080/TCP 宛のスキャンが増加', '正）8081/TCP 宛のスキャンが増加'].join('\n');
    expect(portsOf(fix, '訂正: 8080/TCP → 8081/TCP')).toEqual(['tcp/8081']);
    const advisory = [
      '管理画面（8443/TCP）を狙った攻撃を確認しています。',
      '',
      '■影響を受けない機能',
      '  ・SSH サーバ機能 (TCP 22)',
      '  ・L2TP/IPsec (UDP 500/4500/1701)',
    ].join('\n');
    expect(portsOf(advisory)).toEqual(['tcp/8443']);
    expect(
      portsOf(
        [
          '管理画面（8443/TCP）を狙った攻撃です。',
          '',
          '■ 影響を受けない構成',
          '・管理画面を公開していない場合',
          '・80/TCP のリダイレクト機能のみ有効な場合',
        ].join('\n'),
      ),
    ).toEqual(['tcp/8443']);
  });

  it('drops a port said to be within its band, not seen, or flat in a word set after a comma', () => {
    const daily = [
      '順位  宛先ポート  件数      送信元数  前日比',
      ' 1    23/tcp     301,554    8,804     +1%',
      ' 2    2375/tcp    48,310    1,207   +410%   ★新規',
      ' 3    3389/tcp    33,105    1,388     +3%',
      '',
      '・2375/tcp (Docker API) が前日比 +410% と急増。',
    ];
    expect(portsOf(daily.join('\n'))).toEqual(['tcp/23', 'tcp/2375', 'tcp/3389']);
    expect(portsOf([...daily, '・その他のポートは90%帯域内で推移しており、特記事項なし。'].join('\n'))).toEqual([
      'tcp/2375',
    ]);
    expect(
      portsOf(
        'TCPポート37215を対象としたスキャンが増加し続けている。なお、同種のボットが過去に利用したポート52869については、現時点で増加は見られていない。',
      ),
    ).toEqual(['tcp/37215']);
    expect(
      portsOf(
        'Modbus probing on tcp/502 increased. DNP3 (20000/tcp) had a handful of hits, flat, same as every month.',
      ),
    ).toEqual(['tcp/502']);
  });

  it('reads a correction of the protocol-led port, a reply that says which port was meant, and a retraction', () => {
    expect(
      portsOf(' - the port is udp/3702 (WS-Discovery), not 3703. Fat fingers.', 'correction: udp/3702 not 3703'),
    ).toEqual(['udp/3702']);
    const meant = [
      '> We see a marked increase in scans for tcp/8921 across the sensor fleet.',
      '',
      "I think you mean 8291 (MikroTik Winbox) -- 8921 isn't anything I know of.",
      'For what it is worth, 8291/tcp is definitely up on our campus border.',
    ].join('\n');
    expect(portsOf(meant, 'Re: new scanning for tcp/8921?')).toEqual(['tcp/8291']);
    const retract = [
      "Retracting the udp/5060 part: that was our VoIP vendor's new monitoring platform.",
      '',
      'The 5061/tcp scanning is real though and still going, ~90 sources now.',
    ].join('\n');
    expect(portsOf(retract, 'Re: SIP scanning 5060/5061 - partial retraction')).toEqual(['tcp/5061']);
  });

  it("reads a port's status after a dash, and a bare no to 'is it just us?' as a yes", () => {
    expect(
      portsOf('- 23/tcp -- no change\n- 2323/tcp -- up about 3x since Monday\n- 8081/tcp -- nothing here'),
    ).toEqual(['tcp/2323']);
    expect(portsOf('Port 8081 -- no increase at all for us.')).toEqual([]);
    const quote = '> Since Monday we see 23/tcp up about 4x on our darknet. Is it just us?\n\nNope.';
    expect(portsOf(quote, 'Re: scanning')).toEqual(['tcp/23']);
  });

  it('turns a clause at "rather than" and at a dash before a subject of its own', () => {
    expect(
      portsOf('Same actors, but on the plain docker port tcp/2375 rather than 2376 -- nothing on 2376 at all here.'),
    ).toEqual(['tcp/2375']);
    expect(
      portsOf(
        'Same wordlist here, but our sensors only see it on 2222/tcp -- the sensor listening on 22 has been quiet.',
      ),
    ).toEqual(['tcp/2222']);
    expect(portsOf('We see no increase on tcp/445 -- or on tcp/139 for that matter.')).toEqual([]);
  });

  it('reads a reply written between the quoted lines it answers, line by line', () => {
    const inline = [
      '> We see a sweep from AS64511 space hitting:',
      '>   tcp/80',
      'yes, elevated, about 4x since 18:00',
      '>   tcp/8080',
      'yes',
      '>   tcp/8081',
      'not here',
      '>   tcp/8888',
      'flat',
    ].join('\n');
    expect(portsOf(inline, 'Re: web port sweep from AS64511')).toEqual(['tcp/80', 'tcp/8080']);
    const ja = [
      '> * tcp/2375   UP     +220% vs 7d mean',
      '',
      '2375/tcp はこちらでも増えています。',
      '',
      '> * tcp/9530   still elevated',
    ];
    expect(portsOf([...ja, '', 'こちらは当社では見えていないのでノーコメントで。'].join('\n'), 'Re: overview')).toEqual(
      ['tcp/2375'],
    );
    // a longer answer that names ports of its own speaks for itself, not for the line above
    const longer = [
      '> So: ET EXPLOIT hits on tcp/52869 and tcp/37215, plus the GPON one on',
      '> tcp/8080.',
      '',
      'うちでも見えてます。ただし当方で引っかかっているのは 52869 だけで、37215 宛ては観測されていません。',
    ].join('\n');
    expect(portsOf(longer, 'Re: UPnP exploit bursts')).toEqual(['tcp/8080', 'tcp/52869']);
  });

  it('drops what a correction, a wrap-up or a Japanese aside sets aside, and a question of what a port is', () => {
    const wrote = 'Sorry all, correction: I wrote tcp/8291\n(Winbox) but the increase is on tcp/8728. 8291 is flat.';
    expect(portsOf(wrote, 'Correction: not 8291 -- it is tcp/8728')).toEqual(['tcp/8728']);
    expect(portsOf('- tcp/2375 (Docker API): rising since Wed.\n- udp/5353: withdrawn (lab test).')).toEqual([
      'tcp/2375',
    ]);
    expect(portsOf('60001/tcp は当社でも金曜から増えています。なお 23/tcp は関係ないようです。')).toEqual([
      'tcp/60001',
    ]);
    const miscount =
      '37215/tcp 宛てが急増しています。同時に 52869/tcp も増えていると書きましたが、こちらは集計ミスでした。';
    expect(portsOf(miscount)).toEqual(['tcp/37215']);
    expect(portsOf('Our sensors show port 5060 up again. Port 5061 not really, a handful a day as always.')).toEqual([
      '?/5060',
    ]);
    expect(portsOf('Does anyone know what listens on 4786 by default? The auditor flagged it.')).toEqual([]);
  });

  it('keeps what a reply confirms though a no, a 見られていない or a "you mean" stands near it', () => {
    const quote = '> We see a big rise in scans of tcp/8728 since Monday. Is it just us?\n\n';
    expect(portsOf(`${quote}No, you're not the only one.`, 'Re: scanning')).toEqual(['tcp/8728']);
    expect(
      portsOf('> 先週から 8291/TCP へのスキャンが増えています。\n\nはい、増加が止まる気配は見られません。'),
    ).toEqual(['tcp/8291']);
    expect(portsOf('過去に見られていない規模で 23/TCP へのスキャンが急増しています。')).toEqual(['tcp/23']);
    expect(portsOf('If you mean tcp/8291, yes, we see it too, along with a jump on tcp/8728.')).toEqual([
      'tcp/8291',
      'tcp/8728',
    ]);
    expect(portsOf('Nothing unusual on tcp/22 this week -- the same goes for tcp/2222.')).toEqual([]);
    expect(portsOf('Port 60001/tcp spiked to 5x baseline, stable; everything else flat.')).toEqual(['tcp/60001']);
    expect(portsOf('we see 23 but not 2323. 2323 is flat for us all week.')).toEqual(['?/23']);
  });

  it('keeps a rise beside words that only look like a denial, a takeback or a question', () => {
    expect(portsOf('8080/tcp へのスキャンは先週の DDoS とは無関係ですが、引き続き増加しています。')).toEqual([
      'tcp/8080',
    ]);
    expect(portsOf('23/tcp が増えていると書きましたが、集計ミスで実際は 2 倍ではなく 5 倍でした。')).toEqual([
      'tcp/23',
    ]);
    expect(portsOf("In my earlier mail I wrote tcp/8291 but it's on tcp/8728 too; both doubled overnight.")).toEqual([
      'tcp/8291',
      'tcp/8728',
    ]);
    expect(portsOf('After the more-specifics were withdrawn at 14:02 we saw tcp/179 attempts jump 30x.')).toEqual([
      'tcp/179',
    ]);
    expect(portsOf('Big jump on tcp/37215. We see 40 but not 400 sources per hour.')).toEqual(['tcp/37215']);
    expect(portsOf('Anyone know what runs on tcp/9530? Scans to it went from zero to 40k/day overnight.')).toEqual([
      'tcp/9530',
    ]);
    expect(portsOf('Seeing QUIC floods to 443 from the same range.', 'SYN floods from AS64502?')).toEqual(['?/443']);
  });

  it('drops the port a Japanese correction puts another in place of, and one a reply says did not change', () => {
    const fix = '先ほどのメールで tcp/8088 と書きましたが、正しくは tcp/8080 です。\n8088 宛は通常通りでした。';
    expect(portsOf(fix)).toEqual(['tcp/8080']);
    const reply =
      '> ２．ＴＣＰ ６０００１番ポート宛のアクセスも先週後半から増えています。\n\n当方では特に変化なしです。';
    expect(portsOf(reply, 'Re: 定点観測 週次メモ')).toEqual([]);
  });

  it('drops a port a Japanese writer takes back as return packets of their own misconfigured device', () => {
    const text = [
      '8728/tcp への探索が午後から急に増えました。',
      '【追記】昼の時点で書いた「60001/tcp 宛ての着信増加」は、当方の観測機器の設定ミスによる戻りパケットでした。',
      'スキャンではなかったので取り消します。',
    ].join('\n');
    expect(portsOf(text)).toEqual(['tcp/8728']);
  });
});

describe('what is not a retraction, a denial or a table, though it looks like one', () => {
  it('keeps the port a lead-in, a wrapped line or a bullet list goes on about', () => {
    // items that name only ports belong to the line before them
    expect(portsOf('Seeing 5555/tcp tripled overnight. Nothing unusual on\n * 23/tcp\n * 2323/tcp')).toEqual([
      'tcp/5555',
    ]);
    // a port a mailer wrapped to the start of a line is no numbered item
    expect(
      portsOf('We are seeing a big increase in telnet scanning against port\n23. Sources are mostly CPE.'),
    ).toEqual(['tcp/23']);
    // blanks of full width between Japanese words are no table's columns
    expect(
      portsOf(
        'なお、ＴＣＰ\u3000２３番\u3000および\u3000４４５番ポートについては前週と比べて\n特に変化はありませんでした。8728/TCP は急増しています。',
      ),
    ).toEqual(['tcp/8728']);
    // a heading of what is not affected reaches no item that says it is attacked
    expect(
      portsOf(
        [
          'Exploit attempts on 8443/tcp.',
          '',
          'Not affected:',
          '',
          '- Our 22/tcp honeypots, which see the usual noise.',
          '- 8443/tcp management port on the sensors is being hammered by the exploit.',
        ].join('\n'),
      ),
    ).toContain('tcp/8443');
  });

  it('keeps a rising port beside an aside of no impact, a way in, a config server or a comma that turns', () => {
    expect(portsOf('23/TCP 宛のスキャンが昨日から急増しています（サービス影響なし）。')).toEqual(['tcp/23']);
    expect(portsOf('37215番ポートから侵入してボット本体をダウンロードさせる攻撃が昨日から急増しています。')).toEqual([
      '?/37215',
    ]);
    expect(
      portsOf('The infected routers fetch their config from a pastebin and then start scanning tcp/7547 and tcp/5555.'),
    ).toEqual(['tcp/5555', 'tcp/7547']);
    expect(portsOf('Huge spike on port 8728, 22 and 23 unchanged.')).toContain('?/8728');
    expect(portsOf('tcp/9530 was not in our logs at all last week; since Monday it is our #2 port.')).toEqual([
      'tcp/9530',
    ]);
  });

  it("keeps only the rows a bot's flag column marks, and no line that calls its port usual", () => {
    const daily = [
      'Baseline = 7-day mean; flag "UP" when today > mean + 1.645 sd.',
      '',
      '  port/proto   today      7d mean    delta    flag',
      '  ----------   --------   --------   ------   ----',
      '  23/tcp       412,880    405,112    +2%',
      '  9530/tcp      61,208      8,274    +640%    UP',
      '  3702/udp      40,116      9,780    +310%    UP',
    ];
    expect(portsOf(daily.join('\n'))).toEqual(['udp/3702', 'tcp/9530']);
    // a blank flag beside a row's own rise is no verdict on it
    const rising = [
      'port     proto  change   notes',
      '23       tcp    +42%',
      '2323     tcp    +180%',
      '37215    tcp    +900%    NEW',
    ];
    expect(portsOf(['Top rising ports this week:', '', ...rising].join('\n'))).toEqual([
      'tcp/23',
      'tcp/2323',
      'tcp/37215',
    ]);
    const ja = ['・9530/tcp: 引き続き増加 (前日比 +18%)', '・23/tcp: 平常', '・445/tcp: 平常'];
    expect(portsOf(ja.join('\n'))).toEqual(['tcp/9530']);
  });

  it('reads a bare port as TCP in a post about SYNs that names no UDP', () => {
    const reply = 'Yes, we have had the same for two days, on ports 80 and 443. Roughly 900k SYN/s at peak.';
    expect(portsOf(reply, 'RE: SYN floods from AS64502?')).toEqual(['tcp/80', 'tcp/443']);
    expect(portsOf('SYN flood on port 443, and DNS on 53 is slow too.')).toContain('tcp/443');
  });

  it("keeps only what a bot's overview puts above its band: a band column, a section and a line of the rest", () => {
    const daily = [
      ' port   proto  sources   packets   vs band   note',
      ' -----  -----  -------  --------   -------   -------------------------',
      ' 23     tcp     18,204   611,390   inside    -',
      ' 5555   tcp      2,866    31,040   ABOVE     new since 01-12',
      ' 123    udp        611     7,904   below     sensor b3 gap 04:00-06:10',
      '',
      'Above band (1): 5555/tcp',
      'Below band (1): 123/udp (data gap, not a real drop)',
    ];
    expect(portsOf(daily.join('\n'))).toEqual(['tcp/5555']);
    const weekly = [
      '■ 今週のニュース (帯域外)',
      '  - 8728/tcp   送信元 1,040 (前週 95)',
      '',
      '■ 帯域内 (変化なし)',
      '  23/tcp, 22/tcp, 445/tcp',
    ];
    expect(portsOf(weekly.join('\n'))).toEqual(['tcp/8728']);
    expect(
      portsOf('3389/tcp 宛のアクセスが約2.4倍に増加しました。22/tcp、445/tcp など他の主要ポートは通常の範囲内でした。'),
    ).toEqual(['tcp/3389']);
    expect(portsOf('3389/tcp rose 2.4x. Other ports (22/tcp, 445/tcp) remained within their normal range.')).toEqual([
      'tcp/3389',
    ]);
  });

  it('reads a Japanese range led by its protocol as a range, not its first port', () => {
    expect(portsOf('先週末から、TCP 8000番から8010番までを順番に叩く連続スキャンを観測しています。')).toEqual([]);
  });

  it("keeps a ranking's rows of one figure when the prose calls only the rest of the sensors normal", () => {
    const wave = ['Ports hit by the new Mirai wave, by share of its traffic:', '1. 23/tcp 61%', '2. 2323/tcp 30%'];
    expect(portsOf([...wave, '3. 37215/tcp 9%', 'Everything else on the sensors looked normal.'].join('\n'))).toEqual([
      'tcp/23',
      'tcp/2323',
      'tcp/37215',
    ]);
  });

  it('keeps a Japanese port whose sentence denies something else', () => {
    for (const [text, port] of [
      [
        '8443/tcp への通信が急増していますが、単なるスキャンではなかったようで、ログイン試行まで確認しています。',
        'tcp/8443',
      ],
      [
        '5060/udp への大量の通信がありましたが、DDoS 攻撃ではありませんでした。SIP の REGISTER スキャンです。',
        'udp/5060',
      ],
      ['2375/tcp へのスキャンが急増しており、設定ミスによる Docker API の公開を狙ったものと見られます。', 'tcp/2375'],
      ['8443/tcp への攻撃が急増しており、ベンダーは一度公開したパッチを撤回しました。', 'tcp/8443'],
      ['60001/tcp 宛ての着信増加について、当方の機器の設定ミスによるものではないことを確認しました。', 'tcp/60001'],
      ['37215/tcp へのスキャンが増えており、該当顧客の固定IP割当を取り消しました。', 'tcp/37215'],
      ['23/tcp への着信は当方の戻りパケットでしたか？という質問がありましたが、外部からのSYNです。', 'tcp/23'],
    ])
      expect(portsOf(text!)).toEqual([port]);
  });

  it("keeps a reply's quoted port when it corrects only a count of its own", () => {
    const text = [
      '> 昨晩から 60001/tcp への着信が急増しています（送信元 約2,000）。',
      '',
      '当方でも同様の傾向です。なお、昨日投稿した 60001/tcp の件数（約5万件）は誤って集計していました。正しくは約5千件です。',
    ].join('\n');
    expect(portsOf(text, 'Re: 60001/tcp 着信増加')).toEqual(['tcp/60001']);
  });

  it('keeps a port whose rise came with no corresponding increase in something else', () => {
    expect(portsOf('Packets to tcp/60001 went up 8x with no corresponding increase in sources.')).toEqual([
      'tcp/60001',
    ]);
    expect(portsOf('tcp/7547 up 5x overnight with no matching increase in outbound TR-069 sessions.')).toEqual([
      'tcp/7547',
    ]);
    expect(portsOf('We saw 3389/tcp rise 4x with no comparable change on 3389/udp.')).toEqual(['tcp/3389']);
  });

  it("keeps the attacked port in a clause about the attackers' download server, and drops the server's", () => {
    expect(
      portsOf(
        'Exploit attempts against tcp/52869 that download a Mirai loader from the same infrastructure have tripled.',
      ),
    ).toEqual(['tcp/52869']);
    expect(
      portsOf(
        'Logins on tcp/23 are followed by downloading tooling from infrastructure at 192.0.2.200 over port 8000.',
      ),
    ).toEqual(['tcp/23']);
  });

  it('reads no table from a caption two blanks apart, nor from a source-port header', () => {
    expect(
      portsOf('Top ports  last 24h\n23      41,220   +2%    telnet\n8728    12,400   +640%  winbox'),
    ).not.toContain('port/41');
    const flood =
      'SYN flood from a fixed source port:\n\nSource Port   Proto   Packets\n       6000     tcp   8,204,551';
    expect(portsOf(flood)).toEqual([]);
  });

  it("reads no probe from a honeypot's own download, nor from a chat line's question", () => {
    const text = [
      '2025-03-03 08:11:02 192.0.2.66:39012 -> A.B.C.15:23 login root/xc3511 OK',
      '2025-03-03 08:11:06 A.B.C.15:41822 -> 203.0.113.9:8000 "GET /bins.sh HTTP/1.0" 200',
    ].join('\n');
    expect(portsOf(text)).toEqual(['tcp/23']);
    expect(portsOf('[2025-03-03 08:11:02] <tanaka> 198.51.100.7:51234 -> 192.0.2.15:8291 telnet banner?')).toEqual([]);
  });
});

describe('the words that drop a port drop only the port they speak of', () => {
  it("keeps a quoted port where the reply's own words say it sees a rise, even beside a denial", () => {
    const quote = '\n\n> We see scanning of tcp/37215 since Monday.';
    for (const own of [
      'Never seen anything like it. Our honeypots got 40k hits overnight.',
      "Yes, big here as well. Haven't seen anything on 52869 though.",
      'We had not seen this until Tuesday; now 10k per hour.',
      "Didn't notice it at first, but our flow data confirms it: 10x normal.",
      '昨日までは観測されていませんでしたが、本日から急増しています。',
    ])
      expect(portsOf(own + quote, 'Re: scanning')).toEqual(['tcp/37215']);
    const ssh = '\n\n> SSH brute force on tcp/22 up 5x since Monday.';
    expect(
      portsOf('Same here. SSH on our core routers is unaffected, the rest of the fleet is pounded.' + ssh),
    ).toEqual(['tcp/22']);
  });

  it('reads no end, no absence and no retraction where the words say something else', () => {
    for (const [text, want] of [
      ['23/tcp への攻撃が収束する気配はなく、むしろ増加しています。', ['tcp/23']],
      ['8291/tcp へのスキャンはまだ収まっていません。昨日の10倍です。', ['tcp/8291']],
      ['Heard nothing from the vendor about the tcp/8291 probes we are seeing.', ['tcp/8291']],
      ['The attack had no single vector: tcp/80 SYN and udp/123 at once.', ['tcp/80', 'udp/123']],
      ["There's no UDP component this time: pure SYN flood on tcp/443 at 3 Mpps.", ['tcp/443']],
      ['Our graphs showed zero to 40 Gbps on udp/389 in under a minute.', ['udp/389']],
      ['Yes on tcp/8291, no to the idea that it is only MikroTik: tcp/8728 is hit as well.', ['tcp/8291', 'tcp/8728']],
      ['The tcp/37215 traffic is not a scan: the payload drops a Mirai loader on every hit.', ['tcp/37215']],
      ["The scans on tcp/7547 came from our own customers' infected CPEs, sadly.", ['tcp/7547']],
      ['Anyone who thinks tcp/8291 can be safely ignored should look at our graphs.', ['tcp/8291']],
      ['The bots call home on 443/tcp and scan tcp/37215 with the same binary.', ['tcp/37215']],
      ['We saw a miner that talks to a pool on port 3333 after exploiting tcp/6379.', ['tcp/6379']],
      ['tcp/23 is getting hammered like back in 2016 when Mirai appeared.', ['tcp/23']],
      ['23/tcp background traffic tripled overnight.', ['tcp/23']],
      ['We see a lot of 5555/tcp background this week, about 5x the usual.', ['tcp/5555']],
      ['Hits on tcp/8291 grew 10x overnight - stable sources, nothing new in the payloads.', ['tcp/8291']],
      ['Port 5555 traffic, which tripled overnight, shows nothing unusual in the payload.', ['?/5555']],
      ['いつもどおり確認したところ 8291/tcp が 10倍に増えていました。', ['tcp/8291']],
      ['SIP scanning spread across udp/5060-5065; 5061 was quiet last week but is now the busiest.', ['udp/5061']],
    ] as Array<[string, string[]]>)
      expect(portsOf(text)).toEqual(want);
  });

  it('reads no day, count or source port as a port through the new verbs and vectors', () => {
    expect(portsOf('SSH brute force dropped a lot on 12, the day we enabled fail2ban.')).toEqual([]);
    expect(portsOf('The scanner walks 512 every minute; it walked 5000 in an hour.')).toEqual([]);
    expect(portsOf('Each bot knocks 10 to 20 times before giving up.')).toEqual([]);
    expect(portsOf('SYN to port 8080 plus 12 more we have not identified.')).toEqual(['tcp/8080']);
    expect(portsOf('Attack vector: SSH brute force from source port 123.')).toEqual([]);
    // a reflection's victims' web ports are not TCP's
    expect(portsOf("Memcached reflection aimed at port 80 and 443 of the customers' web servers.")).toEqual([
      '?/80',
      '?/443',
    ]);
  });
});

describe('numbers that are not ports', () => {
  it("reads no port from a switch's or a line card's port", () => {
    expect(portsOf('We moved the uplink to port 3 on the Arista and saw tcp/179 flap.')).toEqual(['tcp/179']);
    expect(portsOf('The leak came in on linecard 4 port 21 on the MX, from AS64500.')).toEqual([]);
    // one digit after "port" is a switch's; with its protocol it is a service's
    expect(portsOf('Check that port 7 and port 8 are on the same ASIC.')).toEqual([]);
    expect(portsOf('Echo reflection on port 7/udp again.')).toEqual(['udp/7']);
    expect(portsOf('UDP port 7 (echo) reflection toward one customer.')).toEqual(['udp/7']);
  });

  const negatives = [
    'about 1,200 sources on 20 networks here, and 40 bots on 3 continents',
    'Traffic went up to 40 Gbps. Around 300 went up. Since Monday 1200 jumped.',
    '450 went up on the blocklist, while 40 jumped to the top',
    'at 12:30 JST and again at 21:45',
    'on 2026/11/20 and 2026-11-21',
    'one target per /24, sometimes a /16',
    'from AS4713 and AS 2914',
    'see CVE-2024-5000 and RFC 5000',
    'OpenSSH 8.9p1 and nginx/1.25.3',
    'from 203.0.113.50 and 198.51.100.7',
    '5000 packets from over 5000 hosts',
    'we dropped UDP 5000 packets and TCP 300 sessions',
    'about 2,000 events an hour',
    'the source port is usually 1025 or higher',
    'ソースポートが通常ポート1025と同じかそれより高い',
    '60000番台のポート宛てが多数',
    'scanning, report 1 of 3; see the support 2 ticket and the airport 5 outage',
    'NICTER観測レポート 2025 要約、2025年の年間総観測パケット数',
    'hits on 20,000 of our addresses and probes to 1,904 hosts',
    'SSH attempts on 12 servers, telnet on 40 routers, traffic to 10 customers',
    'scanning for 15 minutes, then hits on 2300 UTC and a spike at 0930',
    'attacks on 24 November, probes to 2026-11-20, traffic for 2025',
    'Events: 4,812',
    'we are seeing 300 new sources and a lot of 500 errors',
    'on VLAN 445 with uptime 8080 hours',
    'traffic went up to 40. Then a jump to 300, and a rise in 4500 sources',
    'FEMME 17 (http://stats.example.com/clk/17) and HOMME 18 (https://stats.example.com/clk/18)',
  ];
  for (const text of negatives) {
    it(`finds no port in ${JSON.stringify(text)}`, () => {
      expect(portsOf(text)).toEqual([]);
    });
  }
});

describe('ports in a plain-text table a post pastes', () => {
  it("leaves out a row whose status says its port is not affected, as an advisory's table does", () => {
    const text = [
      'Service              Port        Status',
      'SIP over TLS         5061/tcp    Affected',
      'Management REST API  8081/tcp    Affected',
      'SIP                  5060/udp    Not affected',
    ].join('\n');
    expect(portsOf(text)).toEqual(['tcp/5061', 'tcp/8081']);
    expect(portsOf('| Protocol | Port | Status |\n| TCP | 541 | 影響あり |\n| UDP | 161 | 対象外 |')).toEqual([
      'tcp/541',
    ]);
    expect(portsOf('| Port | Proto | Affected |\n|---|---|---|\n| 443 | tcp | Yes |\n| 161 | udp | No |')).toEqual([
      'tcp/443',
    ]);
    const advisory = [
      '| Service | Protocol/Port | Affected |',
      '|---|---|---|',
      '| User Portal | TCP 443 | Yes |',
      '| SSL VPN | TCP 8443, UDP 8443 | Yes |',
      '| IPsec VPN | UDP 500, UDP 4500 | No |',
    ].join('\n');
    expect(portsOf(advisory)).toEqual(['tcp/443', 'tcp/8443', 'udp/8443']);
  });

  it("reads no ranking's place as a port, and nothing of a section headed as the usual", () => {
    expect(portsOf('Most scanned destination ports:\n  1. tcp/445\n  2. tcp/23\n  3. udp/53').sort()).toEqual([
      'tcp/23',
      'tcp/445',
      'udp/53',
    ]);
    const overview = [
      '■ 変化あり / Changed',
      '  5985/tcp (WinRM)         前日比 +210%',
      '■ 平常 / Usual',
      '  23/tcp, 22/tcp, 445/tcp, 3389/tcp',
      '■ データ欠損 / Gaps',
      '  02:00-02:40 JST',
    ].join('\n');
    expect(portsOf(overview)).toEqual(['tcp/5985']);
  });

  it("leaves out what a bot's overview marks as usual: a status cell, a line led by FLAT, a section headed so", () => {
    const table = [
      ' proto/port   pkts(24h)   vs base   status',
      ' tcp/23        1893442      +2%     flat',
      ' tcp/445        402118      +1%     usual',
      ' tcp/6379        95511    +341%     ** UP **',
    ].join('\n');
    expect(portsOf(table)).toEqual(['tcp/6379']);
    expect(portsOf('RISING   tcp/10000   +260%   webmin?\nFLAT     tcp/22, tcp/23, tcp/445, tcp/3389')).toEqual([
      'tcp/10000',
    ]);
    const html = [
      'TRENDING UP',
      '',
      ' * TCP 8088 (Hadoop YARN) – up 3.8x',
      '',
      'HOLDING STEADY',
      '',
      ' * TCP 22, TCP 23, TCP 445 – no meaningful change',
      '',
      'DROPPED OFF',
      '',
      ' * TCP 37215 – no longer in our top 50',
    ].join('\n');
    expect(portsOf(html)).toEqual(['tcp/8088']);
  });

  it('leaves out a row its owner calls bogus', () => {
    const reply = [
      '>   tcp/3389   88,214   31,560   +180%   <-- notable',
      '>   tcp/5900   40,002    9,877   +305%   <-- notable',
      '',
      'The tcp/5900 line is bogus -- the collector double-counted that block. The 3389 jump is real though.',
    ].join('\n');
    expect(portsOf(reply, 'Re: [scanwatch] daily digest')).toEqual(['tcp/3389']);
  });

  it('ends a section of the usual at a label of its own or a line that tells of a rise', () => {
    expect(
      portsOf('Steady:\n  tcp/22, tcp/23, tcp/445\nRising:\n  tcp/37215 (+1200%)\n  tcp/8728 (+400%)').sort(),
    ).toEqual(['tcp/37215', 'tcp/8728']);
    expect(portsOf('## Ended\nThe 5060/udp flood stopped at 04:00.\nStill going: tcp/8728, 40x baseline.')).toEqual([
      'tcp/8728',
    ]);
    expect(portsOf('■ 平常\n22/tcp, 23/tcp\n増加:\n8291/tcp (前日比 20 倍)')).toEqual(['tcp/8291']);
    // (a paragraph under a heading in the block before is no list of the usual)
    expect(portsOf('### Quiet\n\nThe exception is tcp/8291, which went up 5x overnight.')).toEqual(['tcp/8291']);
    expect(portsOf('Normal: tcp/22, tcp/23 | Elevated: tcp/445 (4x), tcp/3389 (6x)')).toContain('tcp/445');
    // ("usual" of another column, beside the row's own rise)
    expect(portsOf('Port   Count   Change   Sources\n23  12000  +400%  usual\n37215  8800  +900%  as usual')).toEqual([
      '?/23',
      '?/37215',
    ]);
  });

  it('reads a table under a header a log format also knows, when no log record follows it', () => {
    const text = [
      'Summary for 2025-03-03 .. 2025-03-09, 12 sensors',
      '',
      '  dport   proto   hits     uniq src',
      '  22      tcp     14202    1311',
      '  23      tcp      9881     702',
      '  2222    tcp      1040      88',
    ].join('\n');
    expect(portsOf(text)).toEqual(['tcp/22', 'tcp/23', 'tcp/2222']);
  });

  it('reads a header whose names stand one blank apart over rows two apart, and leaves out the usual rows', () => {
    const text = [
      '順位 宛先ポート  件数      前日比   判定',
      ' 1   23/tcp     184,220     -3%     平常',
      ' 2   8728/tcp    40,877   +402%     急増',
      ' 3   5555/tcp    21,663    +96%     増加',
      ' 4   123/udp      9,880     +0%     平常',
    ].join('\n');
    expect(portsOf(text)).toEqual(['tcp/5555', 'tcp/8728']);
  });

  it('keeps only the rows the prose names as news when it says all the other top ports are as usual', () => {
    const text = [
      'Rank  Port   Proto  Records    Change vs 7d avg',
      ' 1    23     tcp    2,913,004    -2%',
      ' 2    8728   tcp      611,420  +388%  <-- NEW IN TOP 10',
      ' 3    445    tcp    1,804,911    +1%',
      '',
      '- All other top ports are within normal variation.',
    ].join('\n');
    expect(portsOf(text)).toEqual(['tcp/8728']);
  });

  it('reads the port column with the protocol column, and never the counts as ports', () => {
    const text = [
      'Top destination ports on our darknet today:',
      '',
      'Port   Proto  Count',
      '445    tcp    1200',
      '23     tcp    800',
      '1434   udp    40',
      '',
      'Anyone else?',
    ].join('\n');
    expect(portsOf(text)).toEqual(['tcp/23', 'tcp/445', 'udp/1434']);
  });

  it('reads a table with a rule, pipes, tabs or "445/tcp" cells', () => {
    expect(portsOf('| Port | Proto | Sources |\n|------|-------|---------|\n| 5000 | TCP | 3,400 |')).toEqual([
      'tcp/5000',
    ]);
    expect(portsOf('Dst Port\tCount\n23\t500\n2323\t200')).toEqual(['?/23', '?/2323']);
    expect(portsOf('port        hits\n5000/tcp    88\n1900/udp    14')).toEqual(['udp/1900', 'tcp/5000']);
  });

  it('takes the destination port column, not the source port column', () => {
    expect(portsOf('Src Port  Dst Port  Proto\n51234     7547      tcp\n40000     7547      tcp')).toEqual([
      'tcp/7547',
    ]);
  });

  it('reads a header with a number in a name, a CSV table, and the protocol of the caption above', () => {
    const markdown = [
      'Top 5 TCP ports (DShield, last 24h):',
      '',
      ' Port | Reports   | Change vs wk 46',
      '------+-----------+----------------',
      '   23 | 1,288,410 | +4%',
      ' 8728 |   412,881 | +310%',
    ].join('\n');
    expect(portsOf(markdown)).toEqual(['tcp/23', 'tcp/8728']);
    expect(portsOf('rank,proto,dst_port,packets\n1,tcp,23,18220413\n2,udp,3702,2216503')).toEqual([
      'tcp/23',
      'udp/3702',
    ]);
    // A caption naming both protocols gives the rows none.
    expect(portsOf('TCP and UDP ports:\n\nPort  Hits\n23    500')).toEqual(['?/23']);
  });

  it('drops the rows of ports the post says are flat, and keeps the rest', () => {
    const text = [
      'dst_port,proto,packets,uniq_src',
      '23,tcp,1843221,20412',
      '2323,tcp,412004,8821',
      '',
      'So 2323 is the mover. 23 is just the usual background, flat against the weekly average.',
    ].join('\n');
    expect(portsOf(text)).toEqual(['tcp/2323']);
  });

  it('keeps only the rows the prose names once it says everything else in the table stayed as it was', () => {
    const table = ['port,proto,records', '23,tcp,1840221', '445,tcp,902113', '37215,tcp,410552', '52869,tcp,388100'];
    const post = (...prose: string[]) => [...table, '', ...prose].join('\n');
    expect(portsOf(post('37215 and 52869 more than tripled. Everything else is within normal range.'))).toEqual([
      'tcp/37215',
      'tcp/52869',
    ]);
    expect(portsOf(post('tcp/37215 is up sharply; everything else stayed inside the band.'))).toEqual(['tcp/37215']);
    expect(portsOf(post('37215 が急増。その他は前週並みです。'))).toEqual(['tcp/37215']);
    expect(portsOf(post('37215 が急増。その他のポートについては前週と比べて大きな変化はありません。'))).toEqual([
      'tcp/37215',
    ]);
    expect(
      portsOf(post('Nothing much stands out except 37215, which tripled. Everything else moved by less than 10%.')),
    ).toEqual(['tcp/37215']);
    expect(portsOf(post('Of note: 37215 doubled. The rest of the top five is the usual.'))).toEqual(['tcp/37215']);
    expect(portsOf(post('37215 doubled; the remaining rows are in line with December.'))).toEqual(['tcp/37215']);
    // a port named in the quiet sentence itself stays
    expect(portsOf(post('All other ports are flat compared to last week; 37215 and 52869 more than tripled.'))).toEqual(
      ['tcp/37215', 'tcp/52869'],
    );
    // a question, the rest of a week, other sensors: nothing said of the rows
    for (const other of [
      'Is anyone seeing anything else within that range?',
      'the rest of the week was quiet',
      'Two of our sensors saw the burst, the others were normal.',
    ])
      expect(portsOf(post(other))).toHaveLength(4);
    expect(portsOf(post('37215 more than tripled. Everything else stands: ~4,000 sources.'))).toHaveLength(4);
    expect(
      portsOf(post('> Everything else is within normal range.', '', 'Our own table, all of it rising.')),
    ).toHaveLength(4);
  });

  it('reads what a bot says of the other rows in its own words, and no week number as a port', () => {
    const weekly = [
      '2024年第23週 / week 23',
      '',
      '順位  ポート     前週比    備考',
      ' 1    23/TCP      +2%',
      ' 2    8443/TCP   +180%    増加 / rising',
      ' 3    22/TCP      +0%',
      '',
    ];
    expect(portsOf([...weekly, 'そのほかのポートは前週とほぼ同水準です。'].join('\n'))).toEqual(['tcp/8443']);
    expect(portsOf([...weekly, "Other ports stayed at about last week's level."].join('\n'))).toEqual(['tcp/8443']);
    expect(portsOf('[weekly] darknet top ports / ダークネット観測上位ポート 2024-W24\n\n8443/tcp +180%')).toEqual([
      'tcp/8443',
    ]);
    const html = ['ポート  件数  前日比  状況', '23/tcp  52,118  +1%  変化なし', '7547/tcp  21,660  +540%  急増'];
    expect(portsOf([...html, '81/tcp  6,210  -12%  低調'].join('\n'))).toEqual(['tcp/7547']);
    // a heading over a table that says its rows did nothing
    const steady = ['RISING', '  port   pkts   change', '  tcp/8443  184,220  +412%', '', 'STEADY (within +/-15%)'];
    expect(portsOf([...steady, '  port   pkts   change', '  tcp/23  2,310,554  -3%'].join('\n'))).toEqual(['tcp/8443']);
    expect(portsOf(['【横ばい】', 'ポート  件数  前週比', '23/tcp  52,118  +1%'].join('\n'))).toEqual([]);
    const ref = ['Port/proto   Sources   Change   Likely target', '81/tcp        6,210     +310%   IP cameras'];
    expect(
      portsOf(
        [...ref, '80/tcp       21,488       +2%   (baseline)', '', '80 is listed for reference only.'].join('\n'),
      ),
    ).toEqual(['tcp/81']);
  });

  it("leaves out a table's rows whose trend says flat or back to baseline", () => {
    const overview = [
      'port       events   sources   vs 48h avg   trend',
      '---------  -------  --------  -----------  ------------------------',
      'tcp/6379    41,882     2,964     +6.1 sd    RISING',
      'udp/1900     7,115       203     +0.3 sd    flat',
      'udp/161      2,207        88     -1.1 sd    falling, back to baseline',
    ].join('\n');
    expect(portsOf(overview)).toEqual(['tcp/6379']);
    // past "everything else ...", a row that shows its own rise is among the changes
    const changes = [
      '  Port        Change    Comment',
      '  tcp/81       +180%    IP camera web interfaces',
      '  tcp/5555      -95%    ADB: activity has essentially ceased',
      '',
      'Everything else in the top 20 stayed within +/-10%.',
    ].join('\n');
    expect(portsOf(changes)).toEqual(['tcp/81']);
    expect(portsOf('tcp/2375 is up 4x. The udp/161 burst from the 12th has ended.')).toEqual(['tcp/2375']);
  });

  it('reads lines that lead with a port and hold only figures as rows, which the prose may say are flat', () => {
    const weekly = [
      '37215/tcp と 52869/tcp が週半ばから増加しています。22/tcp は横ばいです。',
      '',
      '【ポート別 (イベント数 / 送信元数)】',
      ' 37215/tcp   4,108 /   622   (前週比 +240%)',
      ' 52869/tcp   2,977 /   431   (前週比 +185%)',
      ' 22/tcp      3,015 /   288   (前週比 -1%)',
    ].join('\n');
    expect(portsOf(weekly)).toEqual(['tcp/37215', 'tcp/52869']);
    const ranked = [' 1  23/tcp    84.1  41,208  -3%', ' 2  8728/tcp  12.1   2,301  +212%', ''];
    expect(portsOf([...ranked, 'The story this week is 8728.'].join('\n'))).toEqual(['tcp/23', 'tcp/8728']);
    expect(
      portsOf([...ranked, 'The story this week is 8728. Everything else is inside the usual wobble.'].join('\n')),
    ).toEqual(['tcp/8728']);
    // a line that says something of its port is no row
    expect(portsOf('tcp/23 1,200 sources in an hour. tcp/23 is flat otherwise.')).toEqual(['tcp/23']);
  });

  it('reads a ranking laid out with ideographic spaces as rows, each port of which the prose may call flat', () => {
    const monthly = [
      '■ 宛先ポート別 上位５',
      '　１位　２３／ＴＣＰ　　　　　３１．２％',
      '　２位　４４５／ＴＣＰ　　　　１２．８％',
      '　３位　６３７９／ＴＣＰ　　　　８．４％',
      '',
      '■ 注目点',
      '・６３７９／ＴＣＰ（Redis）宛のパケットが前月比 約２倍に増加し、３位となりました。',
    ];
    expect(portsOf(monthly.join('\n'))).toEqual(['tcp/23', 'tcp/445', 'tcp/6379']);
    expect(
      portsOf([...monthly, '・２３／ＴＣＰ、４４５／ＴＣＰ は横ばいで、例月と同様の傾向です。'].join('\n')),
    ).toEqual(['tcp/6379']);
  });

  it('keeps a row that rose into the ranking, and leaves out the rest the prose calls unchanged', () => {
    const weekly = [
      '順位  宛先ポート    パケット数   前週比',
      ' 1    23/TCP        1,284,310    -3%',
      ' 2    8728/TCP        250,118   +412%',
      ' 3    37215/TCP       120,551    (圏外)',
      ' 4    3389/TCP        101,003    +4%',
      '',
      '・8728/TCP 宛が前週の約5倍に増加しました。',
      '・37215/TCP 宛が圏外から3位に入りました。',
    ];
    expect(portsOf(weekly.join('\n'))).toEqual(['tcp/23', 'tcp/3389', 'tcp/8728', 'tcp/37215']);
    expect(
      portsOf([...weekly, '・上記以外の順位・件数は前週から大きな変化はなく、定常的な観測の範囲内です。'].join('\n')),
    ).toEqual(['tcp/8728', 'tcp/37215']);
  });

  it("reads an aligned table by where its columns stand: nfdump's statistics, a row with a cell left empty", () => {
    const nfdump = [
      'Top 5 Dst Port ordered by flows:',
      'Date first seen          Duration Proto       Dst Port    Flows(%)     Packets(%)       Bytes(%)         pps',
      '2024-05-18 00:00:02.118 86397.880 any              23     4123(41.2)     4332(40.8)   173280(39.9)        0',
      '2024-05-18 00:00:05.402 86391.113 any            2323     2011(20.1)     2104(19.8)    84160(19.4)        0',
      'Summary: total flows: 10007, total bytes: 434432, total packets: 10619',
    ].join('\n');
    expect(portsOf(nfdump)).toEqual(['?/23', '?/2323']);
    const ranking = [
      '  順位  宛先ポート    前週比    備考',
      '   1    23/TCP        -2%      横ばい',
      '   2    22/TCP        +5%',
      '   3    8080/TCP      +38%     増加傾向',
    ].join('\n');
    // (a row whose note says 横ばい, flat, is no part of what the ranking reports)
    expect(portsOf(ranking)).toEqual(['tcp/22', 'tcp/8080']);
    expect(portsOf('宛先ポート  件数\n22/TCP (SSH)  1,104\n3389/TCP (RDP)  682')).toEqual(['tcp/22', 'tcp/3389']);
  });

  it('reads a pipe table whose last cell is empty in some rows', () => {
    const text = [
      '| Port  | Proto | Packets    | Note              |',
      '|-------|-------|------------|-------------------|',
      '| 23    | TCP   | 41,337,902 | Mirai and friends |',
      '| 2323  | TCP   | 6,804,115  |                   |',
      '| 5555  | TCP   | 3,119,284  | ADB               |',
    ].join('\n');
    expect(portsOf(text)).toEqual(['tcp/23', 'tcp/2323', 'tcp/5555']);
  });

  it("reads only the open ports of nmap's table", () => {
    const scan = [
      'PORT      STATE    SERVICE VERSION',
      '80/tcp    open     http    lighttpd 1.4.59',
      '443/tcp   filtered https',
      '69/udp    closed tftp',
      '37777/tcp open     unknown',
    ].join('\n');
    expect(portsOf(scan)).toEqual(['tcp/80', 'tcp/37777']);
  });

  it('stops at the first row that does not fit and reads the rest as prose', () => {
    expect(portsOf('Port  Proto\n8080  tcp\nThe 3 of us saw it at 10:15.')).toEqual(['tcp/8080']);
  });
});

describe('ports from log lines', () => {
  it('takes the destination port that several log lines share', () => {
    const text = [
      'Nov 20 00:00:01 fw kernel: DROP IN=eth0 OUT= SRC=192.0.2.1 DST=198.51.100.1 LEN=40 PROTO=TCP SPT=1111 ' +
        'DPT=5000 WINDOW=1024 RES=0x00 SYN URGP=0',
      'Nov 20 00:00:02 fw kernel: DROP IN=eth0 OUT= SRC=192.0.2.2 DST=198.51.100.2 LEN=40 PROTO=TCP SPT=1112 ' +
        'DPT=5000 WINDOW=1024 RES=0x00 SYN URGP=0',
    ].join('\n');
    expect(portsOf(text)).toEqual(['tcp/5000']);
  });

  it('does not take the random high ports that the answers of a reflection flood reach', () => {
    const line = (dpt: number) =>
      `Nov 21 03:12:44 edge01 %SEC-6-IPACCESSLOGP: list 110 denied udp 192.0.2.7(123) -> 203.0.113.5(${dpt}), 1 packet`;
    const r = report(['NTP reflection against one customer:', ...[44321, 51002, 38801].map(line)].join('\n'));
    expect(r.logLines).toHaveLength(3);
    // the reflectors' NTP is what the post reports
    expect(r.ports.map((p) => `${p.proto}/${p.port}`)).toEqual(['udp/123']);
  });

  it("does not take the high port a probed host's answer goes back to", () => {
    const alert = (at: string, sig: string, flow: string) =>
      `05/12/2017-${at}  [**] [1:2024218:3] ET EXPLOIT ETERNALBLUE MS17-010 ${sig} [**] [Priority: 1] {TCP} ${flow}`;
    const fast = [
      alert('08:14:02.331245', 'Echo Request', '203.0.113.61:49822 -> 198.51.100.40:445'),
      alert('08:14:02.402117', 'Echo Request', '203.0.113.61:49830 -> 198.51.100.41:445'),
      alert('08:14:05.918760', 'Echo Response', '198.51.100.44:445 -> 203.0.113.61:49841'),
    ];
    expect(portsOf(['Suricata fired ETERNALBLUE sigs:', '', ...fast].join('\n'))).toEqual(['tcp/445']);
  });

  it('does not take the port of a SYN-ACK reply', () => {
    const text =
      '2026-11-20 07:00:02.000000 IP 198.51.100.42.443 > 192.0.2.82.60000: ' +
      'Flags [S.], seq 1, ack 2, win 65160, length 0';
    expect(portsOf(text)).toEqual([]);
  });
});

describe('numbers that are never ports, in any prose', () => {
  const n = (lo: number, hi: number) => fc.integer({ min: lo, max: hi });
  const pad = (x: number) => String(x).padStart(2, '0');
  /** Numbers a post carries that a reader never takes for a port. */
  const notPorts = fc.oneof(
    fc.tuple(n(0, 23), n(0, 59)).map(([h, m]) => `${pad(h)}:${pad(m)}`),
    fc.tuple(n(0, 23), n(0, 59), n(0, 59)).map(([h, m, s]) => `${pad(h)}:${pad(m)}:${pad(s)} JST`),
    fc.tuple(n(0, 23), n(0, 59)).map(([h, m]) => `${h}時${m}分`),
    fc.tuple(n(1990, 2030), n(1, 12), n(1, 28)).map(([y, m, d]) => `${y}-${pad(m)}-${pad(d)}`),
    fc.tuple(n(1990, 2030), n(1, 12), n(1, 28)).map(([y, m, d]) => `${y}/${pad(m)}/${pad(d)}`),
    fc.tuple(n(1990, 2030), n(1, 12), n(1, 28)).map(([y, m, d]) => `${y}年${m}月${d}日`),
    n(8, 32).map((l) => `/${l}`),
    fc.tuple(n(1, 223), n(0, 255), n(0, 255), n(8, 32)).map(([a, b, c, l]) => `${a}.${b}.${c}.0/${l}`),
    fc.tuple(n(1, 223), n(0, 255), n(0, 255), n(1, 254)).map(([a, b, c, d]) => `${a}.${b}.${c}.${d}`),
    n(1, 399999).map((a) => `AS${a}`),
    n(1, 65535).map((a) => `AS ${a}`),
    fc.tuple(n(1999, 2030), n(1, 99999)).map(([y, k]) => `CVE-${y}-${String(k).padStart(4, '0')}`),
    fc.tuple(n(0, 20), n(0, 99), n(0, 99)).map(([a, b, c]) => `v${a}.${b}.${c}`),
    fc.tuple(n(1, 999), n(0, 999)).map(([a, b]) => `${a},${String(b).padStart(3, '0')} hosts`),
    n(2, 65535).map((c) => `${c} packets`),
    n(2, 9999).map((c) => `${c}件`),
    fc.tuple(n(10, 99), n(1000, 9999), n(1000, 9999)).map(([a, b, c]) => `+81-${a}-${b}-${c}`),
    fc.tuple(n(1, 99), n(100, 9999), n(1000, 9999)).map(([a, b, c]) => `0${a}-${b}-${c}`),
    n(1, 999999).map((t) => `ticket #${t}`),
    n(1, 99999).map((t) => `INC${t}`),
    // Figures the words that make a bare number a port ("hits on", "telnet on") may stand before.
    // A figure with a thousands separator that no list of ports could be read from ("80,443" could).
    n(1000, 65535).map((c) => c.toLocaleString('en-US')),
    fc.tuple(n(1, 999), n(0, 999)).map(([a, b]) => `Events: ${a},${String(b).padStart(3, '0')}`),
    n(1990, 2039).map((y) => `${y}年`),
    n(1990, 2039).map((y) => `レポート ${y}`),
    fc.tuple(n(0, 23), n(0, 59)).map(([h, m]) => `${pad(h)}${pad(m)} UTC`),
    fc
      .tuple(n(2, 9999), fc.constantFrom('minutes', 'hours', 'days', 'Gbps', 'servers', 'customers', '%'))
      .map(([c, u]) => `${c} ${u}`),
  );
  const filler = fc.constantFrom(
    'we saw',
    'since',
    'from',
    'and',
    'about',
    'on the sensor',
    'see',
    'logged at',
    'について',
    'から',
    'の報告',
    'Thanks.',
    // Protocol words beside them: a number after "tcp" is a port only when it reads as one.
    'tcp traffic',
    'UDP',
    'over TCP',
    'TCP/UDP',
    'ポート',
    'hits on',
    'probes to',
    'telnet on',
    'telnet (',
    'seeing',
    'a lot of',
    'destinations',
    'the port report:',
    'UDP 1026-31',
    'attempts a day to',
    'the service on',
    'a jump to',
    'a smaller amount to',
    'the rest to',
    'tried',
    'touched',
    'right after',
    'a few',
    'Modbus/TCP on',
    'the usual',
    'pair',
    'walk',
    'knocking on',
    'a bit on',
    'and also',
    'reflection, src',
    'web server',
  );

  it('reads no port from times, dates, prefixes, AS numbers, CVEs, versions, addresses, counts, phones', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(notPorts, filler), { minLength: 1, maxLength: 12 }), (words) => {
        expect(portsOf(words.join(' '))).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });
});

describe("what a bot's overview says is quiet or has no data, in its own layout", () => {
  it('drops the ports under a section of the usual, however the bot marks its heading', () => {
    const sections = [
      '== WITHIN BAND / 平常範囲内 ==\n  22/tcp, 445/tcp, 3389/tcp',
      '■ 静穏（観測なし・平常範囲内）\n ・445/tcp: 平常範囲内\n ・123/udp: 観測なし',
      '【平常範囲内（±1.645σ以内）】\n  22/tcp, 445/tcp, 123/udp',
      '◆ 平常範囲内\n・22/tcp、445/tcp、3389/tcp',
      'Top ports (records), no significant change:\n  445/tcp, 3389/tcp, 22/tcp',
      '◆ データ欠損のため判断不可\n・445/udp（3月19日のセンサー障害のため）',
      'Quiet today (below 7d band): tcp/22, tcp/445',
      'GAP: 123/udp (collector restart 03:00-11:00 UTC, no verdict)',
    ];
    for (const quiet of sections)
      expect(portsOf(`Daily overview\n\nAbove band:\n  23/tcp   18,420 events\n\n${quiet}\n`)).toEqual(['tcp/23']);
  });

  it('reads a flag column that marks the rest with "-", LOW or GAP as a column of news', () => {
    const table = [
      'port       events   mavg48   hi_band  flag',
      '23/tcp     21,404   19,870   24,010   -',
      '22/tcp      8,212    5,101    6,330   HIGH',
      '3389/tcp    1,203    2,877    3,640   LOW',
      '8728/tcp    2,655      310      540   HIGH',
      '123/udp         -      611      890   GAP',
    ].join('\n');
    expect(portsOf(`bandwatch daily report\n\n${table}\n`)).toEqual(['tcp/22', 'tcp/8728']);
  });

  it("lets a row or a line of the usual outweigh what a reply's subject or quote says of the port", () => {
    const subject = 'Re: [ops-jp] 23/tcp・2323/tcp 探索の急増';
    const table = '| ポート | 状況 |\n|---|---|\n| 23/tcp | 増加（平常の約3倍） |\n| 2323/tcp | 観測なし |\n';
    expect(portsOf(`当方の状況です。\n\n${table}`, subject)).toEqual(['tcp/23']);
    expect(portsOf('当方の状況です。\n\n・23/tcp: 約3倍\n・2323/tcp: 平常\n', subject)).toEqual(['tcp/23']);
  });
});

describe("ports of the attackers' own end, as members and advisories name them", () => {
  it('drops the port of a C2, an ircd, a loader or a callback server', () => {
    const cases: Array<[string, string[]]> = [
      ['Mass exploitation on tcp/7547. The payload host and the C2 on tcp/6667 are down.', ['tcp/7547']],
      ['The bot joined #x0x on an ircd at 64.18.150.3 port 6667 and was ordered to scan tcp/1433.', ['tcp/1433']],
      ['Bots hit 7547/tcp and report cracked credentials to a loader on tcp/48101.', ['tcp/7547']],
      ['jndi probes on 80/tcp; the callbacks point at LDAP/RMI servers on 1389 and 1099.', ['tcp/80']],
      ['INDICATOR      VALUE\nTarget port    7547/tcp\nC2             cnc.badhost.example, tcp/6667', ['tcp/7547']],
      ['Each box was serving copies of ramen.tgz from a tiny web server on 27374/tcp. Scans: 21/tcp.', ['tcp/21']],
    ];
    for (const [text, want] of cases) expect(portsOf(text), text).toEqual(want);
  });

  it('drops a port the writer says afterwards is the attackers', () => {
    expect(
      portsOf(
        'Inbound we see tcp/135. You may see udp/69 going OUT to the infecting box - ' +
          "that's the worm's own download channel, not the scan.",
      ),
    ).toEqual(['tcp/135']);
    expect(portsOf('The payload host on port 8443 and the C2 on tcp/6667 are attacker infrastructure.')).toEqual([]);
  });

  it('keeps a port scanned or hit before such words, and a loader of our own we scan for', () => {
    expect(portsOf('The sources hitting tcp/22 are attacker infrastructure, mostly bulletproof hosting.')).toEqual([
      'tcp/22',
    ]);
    expect(portsOf('We see loader traffic on tcp/48101 from bots.')).toEqual(['tcp/48101']);
    expect(portsOf('Our loader tcp/8080 honeypot got 500 hits.')).toEqual(['tcp/8080']);
  });
});

describe('retractions and denials met in the held-out tables 77-79', () => {
  it('drops a port the poster withdraws, in the subject or in 取り下げ', () => {
    expect(
      portsOf(
        '1433/tcp の増加は自社の診断でした。3306/tcp は引き続き増加。',
        '[ops-jp:04263] 取り下げ: 1433/tcp 増加の件',
      ),
    ).toEqual(['tcp/3306']);
    expect(
      portsOf(
        '先週報告した 1433/tcp の増加ですが、自社の脆弱性診断サービスによるスキャンでした。3306/tcp は増加中です。',
      ),
    ).toEqual(['tcp/3306']);
    expect(
      portsOf(
        '■ 主な事象\n・23/tcp 急増\n\n■ 取り下げ\n・1433/tcp 増加は、報告者の自社診断によるものとして取り下げ済み',
      ),
    ).toEqual(['tcp/23']);
    expect(portsOf('Sorry all: the spike is NOT on tcp/1025 - I misread the column. It is tcp/2967.')).toEqual([
      'tcp/2967',
    ]);
  });

  it('reads "not so much" of a port as quiet, and "so much" after "never" as news', () => {
    expect(portsOf('Same on tcp/8081, roughly 2x. udp/161 not so much on our side - pretty flat.')).toEqual([
      'tcp/8081',
    ]);
    expect(portsOf('Never seen so much on tcp/23.')).toEqual(['tcp/23']);
  });

  it('denies the other protocol of a port in "nothing similar on"', () => {
    expect(portsOf('SIP scanning on udp/5060.\n\nNothing similar on tcp/5060 or udp/5061.')).toEqual(['udp/5060']);
  });
});

describe("what the attackers' end, quiet cells and retractions do not reach (a hostile read of round 77-79)", () => {
  it('keeps a port attacked over LDAP or RMI, or whose exploit fetches a payload', () => {
    const kept: Array<[string, string[]]> = [
      ['Brute-force attempts against LDAP on tcp/389 have tripled since Tuesday.', ['tcp/389']],
      ["We're seeing a sharp rise in scans for exposed Java RMI on tcp/1099, roughly 6x last week.", ['tcp/1099']],
      ['Stats pulled from the sensor host show tcp/23 attempts tripled overnight.', ['tcp/23']],
      ['Requests on tcp/8080 that curl a shell script from a remote server are up 5x since Monday.', ['tcp/8080']],
      ["Connection attempts to tcp/445 tripled - don't confuse those with the usual WannaCry background.", ['tcp/445']],
      ['Inbound tcp/8443 rose 5x overnight, all from 203.0.113.0/24, which is attacker infrastructure.', ['tcp/8443']],
    ];
    for (const [text, want] of kept) expect(portsOf(text), text).toEqual(want);
  });

  it('keeps a port whose activity "is not" something else, or "not so much a spike as a climb"', () => {
    expect(portsOf('tcp/3389 activity was not in line with the weekly pattern at all: up 5x on Sunday.')).toEqual([
      'tcp/3389',
    ]);
    expect(portsOf("tcp/23 scanning wasn't at this level even in 2016, about 9x the January baseline.")).toEqual([
      'tcp/23',
    ]);
    expect(portsOf('Not so much a spike as a steady climb: tcp/7547 is now 4x where it was in January.')).toEqual([
      'tcp/7547',
    ]);
  });

  it('keeps 「当方の観測でも…スキャンでした」, which is what was seen, not our own scan', () => {
    expect(portsOf('当方の観測でも 2323/tcp 宛のスキャンでした。先週の約 3 倍です。')).toEqual(['tcp/2323']);
  });

  it('keeps a row whose "not seen" or "no data" is of another period or sensor', () => {
    expect(
      portsOf('ポート      今週件数   先週\n37215/tcp   12,400     観測なし\n52869/tcp   8,311      観測なし\n'),
    ).toEqual(['tcp/37215', 'tcp/52869']);
  });

  it('keeps a severity column of HIGH and LOW, where no band is drawn', () => {
    expect(
      portsOf(
        'IDS alerts by destination port:\n\n' +
          'Port  Proto  Count   Alert\n445   tcp    18,220  HIGH\n3389  tcp    9,411   LOW\n',
      ),
    ).toEqual(['tcp/445', 'tcp/3389']);
  });

  it("lets no gap, quoted usual line or confirmed reply outweigh the thread's port", () => {
    const subject = 'Re: tcp/23 surge since Monday';
    expect(
      portsOf('Seeing it too, roughly 4x since Monday.\n\nGAP: 23/tcp (sensor-b restarted 02:00-05:00)\n', subject),
    ).toEqual(['tcp/23']);
    expect(
      portsOf(
        "> Yesterday's run:\n> normal: tcp/23, tcp/2323\n> Today tcp/23 is at 5x baseline.\n\nSame here, about 4x.",
        subject,
      ),
    ).toEqual(['tcp/23']);
  });

  it('keeps a count that only equals a port the post names', () => {
    expect(report('We see tcp/22 brute forcing from 443 sources, plus tcp/443 scans.').counts).toEqual({
      sources: 443,
    });
  });
});

describe("quiet layouts, the attackers' end and corrections met in the held-out tables 80-85", () => {
  it("drops the ports of more layouts of the usual in a bot's overview", () => {
    const sections = [
      '■観測なし・データ欠損\n ・5500/tcp：8月26日以降ほぼ観測なし',
      'Cleared:\n  tcp/2375 back inside band since 09:00 UTC, no longer flagged',
      '【下限割れ / Below band】\n 1433/tcp   終日（週末のスキャナ停止によるものとみられます）',
      '■観測なし / Not observed\n 5555/tcp、37215/tcp：今週は観測なし（先週はそれぞれ約2万パケット）',
      '**静か / quiet:** tcp/445 (−18%), tcp/2323 (−25%)',
      '以下のポートは平常範囲内です。\n  445/tcp, 22/tcp',
      '1900/udp は先週に続き低調で、上位20件から外れました。',
      '1900/udp stayed low and dropped out of the top 20.',
    ];
    for (const quiet of sections)
      expect(portsOf(`Weekly overview\n\nRising:\n  23/tcp   +212%\n\n${quiet}\n`), quiet).toEqual(['tcp/23']);
  });

  it('drops a port in a paragraph of its own under a quiet HTML heading', () => {
    const html =
      'Ports above baseline\n\ntcp/6443    18,204   2,113    8.6x\n\n' +
      'Ports within baseline (no action)\n\ntcp/23, tcp/445, tcp/22\n';
    expect(portsOf(html)).toEqual(['tcp/6443']);
  });

  it('reads more ways of saying a port is not news', () => {
    const cases: Array<[string, string[]]> = [
      ['Nothing above noise on tcp/6101 here: 17 sources all day.', []],
      ['The H on udp/389 is not scanning: a customer brought up a misconfigured LDAP server.', []],
      ['なお、5555/tcpは当方でも先週から観測なしです。8291/tcp は増えています。', ['tcp/8291']],
      ['udp/123 rose 3x. udp/19: nothing seen since Dec.', ['udp/123']],
    ];
    for (const [text, want] of cases) expect(portsOf(text), text).toEqual(want);
  });

  it("drops the port of a box the payload is pulled from, a C&C server's, and one the worm pulls from", () => {
    const cases: Array<[string, string[]]> = [
      ['tcp/7547 is climbing; the payload is pulled from a box on port 8000 that we are chasing.', ['tcp/7547']],
      ['52869/tcp 宛てが増加。感染機器は C&C サーバ 185.244.25.11 の 6667/tcp と通信します。', ['tcp/52869']],
      [
        'Sasser on tcp/445. Infected boxes run an FTP server on tcp/5554 that the worm pulls its binary from.',
        ['tcp/445'],
      ],
    ];
    for (const [text, want] of cases) expect(portsOf(text), text).toEqual(want);
  });

  it('takes back the number a correction replaces, in English and in Japanese', () => {
    expect(
      portsOf('Correction: where I wrote udp/3702 I meant udp/3283 (ARD). The probes rising are to 3283.'),
    ).toEqual(['udp/3283']);
    expect(
      portsOf('訂正です。先ほどの「8080/tcp」は 8081/tcp の誤りでした。', 'Re: [ja-ops] 8080/tcp 宛て増加'),
    ).toEqual(['tcp/8081']);
  });

  it('takes back only the protocol a correction puts right', () => {
    expect(
      portsOf(
        "Scratch that, it's udp/1900, not tcp.\n\n> Seeing a pile of tcp/1900 toward our modems",
        'Re: tcp/1900 from cable modems?',
      ),
    ).toEqual(['udp/1900']);
    expect(
      portsOf(
        "Correction: that's tcp/502, not udp/502 as I wrote yesterday.\n\n" +
          '> We see a lot of udp/502 probes since Friday.',
        'Re: Modbus scanning',
      ),
    ).toEqual(['tcp/502']);
    expect(portsOf('445/tcp, not udp, is what we see rising.')).toEqual(['tcp/445']);
  });
});

describe('what the rules of round 80-85 do not reach (a hostile read)', () => {
  it('keeps a port whose other protocol a post only explains, or a withdrawal it records', () => {
    const cases: Array<[string, string[]]> = [
      [
        'Memcached amplification uses udp/11211, not tcp; what we see rising is tcp/11211 enumeration, up 5x.',
        ['tcp/11211', 'udp/11211'],
      ],
      ['Please disregard 5060 from my last mail, it was our own SBC. For the record, it was udp/5060, not tcp.', []],
      ['When I said 445 I meant 445/tcp (SMB), which doubled since Monday.', ['tcp/445']],
      ['23/tcp は 2323/tcp の誤りでしょうか？当方では 23/tcp も増えています。', ['tcp/23', 'tcp/2323']],
      ['前回の報告で 445 は 4450 の誤りでした（件数）。445/tcp は引き続き増加傾向です。', ['tcp/445']],
    ];
    for (const [text, want] of cases) expect(portsOf(text), text).toEqual(want);
  });

  it('keeps a port scanned, or said to rise after words that look like a denial', () => {
    const cases: Array<[string, string[]]> = [
      ["The Gafgyt fork hasn't stopped scanning 23/tcp; our darknet counts doubled this week.", ['tcp/23']],
      ["This isn't background scanning: tcp/8291 jumped 6x overnight across all our sensors.", ['tcp/8291']],
      ['Nothing above the baseline except tcp/5555, which is up 400%.', ['tcp/5555']],
      ['Source counts on tcp/3389 stayed low while packet volume tripled.', ['tcp/3389']],
      ["tcp/2375 is no longer flagged as benign by our pipeline; it's now our top climber at +300%.", ['tcp/2375']],
      ['tcp/2375 went back inside band briefly at 02:00 and is now at 8x baseline again.', ['tcp/2375']],
      ['tcp/5060 dropped out of the top 20 on Monday and then shot straight to #1 with 9x the sources.', ['tcp/5060']],
      ['445/tcp は上位から外れることなく、今週も1位で送信元は3倍です。', ['tcp/445']],
      ['5555/tcp は観測なしですか？こちらでは急増しています。', ['tcp/5555']],
    ];
    for (const [text, want] of cases) expect(portsOf(text), text).toEqual(want);
  });

  it("keeps a port where a C2 or a sample is named before it but is not its server's", () => {
    const cases: Array<[string, string[]]> = [
      ['C&Cサーバを停止したはずのボットネットの 37215/tcp 宛てスキャンが再び増加しています。', ['tcp/37215']],
      ['Samples grabbed from the Cowrie box on tcp/2323 are all Gafgyt, and the attempts there tripled.', ['tcp/2323']],
      ['Rising: tcp/5555 where infected TVs get their payload via adb push. Sources tripled overnight.', ['tcp/5555']],
    ];
    for (const [text, want] of cases) expect(portsOf(text), text).toEqual(want);
  });

  it('keeps ports under a quiet word that a note or a figure makes news', () => {
    const cases: Array<[string, string[]]> = [
      ['Daily overview\n\n### Emerging, not observed (prior 30d):\n\ntcp/9530, tcp/60001\n', ['tcp/9530', 'tcp/60001']],
      ['Weekly notes\n\n- **Quiet:** tcp/22 (−3%), tcp/23 (+412%)\n', ['tcp/23']],
      ['| Port | Before | Now |\n|---|---|---|\n| tcp/9530 | none seen since March | SPIKE |\n', ['tcp/9530']],
    ];
    for (const [text, want] of cases) expect(portsOf(text), text).toEqual(want);
  });
});

describe('forwarded reports and digests met in the held-out tables 86-88', () => {
  it('reads no port from the count after a port and its protocol', () => {
    const digest =
      'Darknet events by destination port (our hosts are the sources):\n' +
      '  23/tcp      5\n  37215/tcp   3\n  60023/tcp   1\n';
    expect(portsOf(digest)).toEqual(['tcp/23', 'tcp/37215', 'tcp/60023']);
  });

  it('keeps the rows under a caption of news though the rest is said to be usual', () => {
    const post = [
      'Ports above threshold (z > 3 vs 30-day baseline):',
      '  port       records   sources   z',
      '  tcp/6379    61,204     2,118   7.4',
      '  tcp/2375    18,930       611   5.1',
      '',
      'Other top ports (within normal range):',
      '  tcp/23     612,880',
      '  tcp/445    401,337',
    ].join('\n');
    expect(portsOf(`port-watch daily summary\n\n${post}\n`)).toEqual(['tcp/2375', 'tcp/6379']);
  });

  it('drops the port of the server a payload pulls from, and one with no reports of exploitation', () => {
    expect(portsOf('Exploits hit tcp/37215. The payload then pulls a binary from a web server on port 8000.')).toEqual([
      'tcp/37215',
    ]);
    expect(
      portsOf('Scans for tcp/443 doubled. We have no reports of exploitation through the admin GUI on TCP 8443.'),
    ).toEqual(['tcp/443']);
  });

  it('takes back what turned out to come from our own equipment', () => {
    expect(
      portsOf('The "sweeps" on udp/5060 turned out to be OPTIONS keepalives from our own new SBC cluster. Sorry.'),
    ).toEqual([]);
  });
});
