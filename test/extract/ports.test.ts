import { describe, expect, it } from 'vitest';
import { portsOf } from '../helpers/post.ts';

describe('ports named in prose', () => {
  const cases: Array<[string, string[]]> = [
    ['unusual increase of sources contacting tcp/5000', ['tcp/5000']],
    ['Increased TCP/5000 Activity', ['tcp/5000']],
    ['we see a lot of 5000/tcp since Monday', ['tcp/5000']],
    ['SIP probes on port 5060 UDP all night', ['udp/5060']],
    ['scans of TCP/UDP port 137 keep rising', ['tcp/137', 'udp/137']],
    ['ポート137でスキャン増加が発生', ['?/137']],
    ['UDP/6585番ポート宛ての通信が増えています', ['udp/6585']],
    ['123/udp(NTP)への問い合わせが急増', ['udp/123']],
    ['8080tcp is busy again', ['tcp/8080']],
    ['TCP/UDPポート137のスキャン数が増加し続けている', ['tcp/137', 'udp/137']],
    ['23/tcpと22/tcp(SSH)が活発です', ['tcp/22', 'tcp/23']],
    ['ports 139 and 445 from the same hosts', ['?/139', '?/445']],
    ['tcp port 445 and udp port 1434', ['tcp/445', 'udp/1434']],
    ['445番ポート（SMB）', ['?/445']],
    ['SSDP (UDP 1900) reflection', ['udp/1900']],
    ['TCP 445番ポートへのアクセス', ['tcp/445']],
    ['telnet (23/tcp) and 2323/tcp', ['tcp/23', 'tcp/2323']],
    ['port 445/TCP', ['tcp/445']],
    ['宛先ポート23への探索', ['?/23']],
    ['probes to tcp ports 8080, 8081 and 8443', ['tcp/8080', 'tcp/8081', 'tcp/8443']],
    ['Windows系の139/445/tcpが活発です', ['tcp/139', 'tcp/445']],
    ['本日未明より TCP 445 宛ての探索が増加', ['tcp/445']],
    ['UDP/11211 (memcached) reflection', ['udp/11211']],
    ['all of it to dport 23, Port 2323 too', ['?/23', '?/2323']],
  ];
  for (const [text, want] of cases) {
    it(`reads ${JSON.stringify(text)} as ${want.join(', ')}`, () => {
      expect(portsOf(text)).toEqual(want);
    });
  }

  it('takes the port from the subject as well as the body', () => {
    expect(portsOf('Are others seeing this?', '[nsp-sec-jp] Increased TCP/5000 Activity')).toEqual(['tcp/5000']);
  });

  it('merges a bare port with the same port named with a protocol', () => {
    expect(portsOf('tcp/5000 is up. Port 5000 traffic doubled.')).toEqual(['tcp/5000']);
  });
});

describe('numbers that are not ports', () => {
  const negatives = [
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
  ];
  for (const text of negatives) {
    it(`finds no port in ${JSON.stringify(text)}`, () => {
      expect(portsOf(text)).toEqual([]);
    });
  }
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

  it('does not take the port of a SYN-ACK reply', () => {
    const text =
      '2026-11-20 07:00:02.000000 IP 198.51.100.42.443 > 192.0.2.82.60000: ' +
      'Flags [S.], seq 1, ack 2, win 65160, length 0';
    expect(portsOf(text)).toEqual([]);
  });
});
