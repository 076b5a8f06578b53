import fc from 'fast-check';
import ipaddr from 'ipaddr.js';
import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/config/load.ts';
import { OwnNetworks } from '../../src/extract/notations.ts';
import { compose } from '../../src/outbound/compose.ts';
import { OutboundGate } from '../../src/outbound/gate.ts';
import { memoryBook } from '../../src/outbound/redact.ts';
import { config, out } from '../helpers/outbound.ts';

type Octets = [number, number, number, number];

const gate = (c = config) => new OutboundGate(c, memoryBook());
const own = new OwnNetworks(config.operator.networks);
const LIST = ['nsp@example.net'];

const hex = (n: number, width = 2) => n.toString(16).padStart(width, '0');
const toInt = ([a, b, c, d]: Octets) => a * 2 ** 24 + (b << 16) + (c << 8) + d;
const wide = (s: string) => s.replace(/[0-9]/g, (x) => String.fromCharCode(0xff10 + Number(x))).replace(/\./g, '．');

/** Every way the review saw one IPv4 address of ours written, named. */
function v4Spellings(o: Octets): Array<[string, string]> {
  const [a, b, c, d] = o;
  const dotted = o.join('.');
  const int = toInt(o);
  return [
    ['inet_aton a.b.c (16-bit last part)', `${a}.${b}.${(c << 8) + d}`],
    ['inet_aton a.b (24-bit last part)', `${a}.${(b << 16) + (c << 8) + d}`],
    ['inet_aton a.b in hex', `0x${hex(a)}.0x${hex((b << 16) + (c << 8) + d, 6)}`],
    ['hex octets without 0x', o.map((x) => hex(x)).join('.')],
    ['upper-case hex octets with dashes', o.map((x) => hex(x).toUpperCase()).join('-')],
    ['a whole hex integer', `0x${hex(int, 8).toUpperCase()}`],
    ['a whole hex integer with leading zeros', `0x00${hex(int, 8)}`],
    ['a whole decimal integer', String(int)],
    ['octal octets with leading zeros', o.map((x) => `0${x.toString(8)}`).join('.')],
    ['a whole octal integer', `0${int.toString(8)}`],
    ['binary octets', o.map((x) => x.toString(2).padStart(8, '0')).join('.')],
    ['binary octets with 0b', o.map((x) => `0b${x.toString(2)}`).join('.')],
    ['a whole binary number', int.toString(2).padStart(32, '0')],
    ['octets apart', o.join(' ')],
    ['octets apart after commas', o.join(', ')],
    ['comma-separated octets', o.join(',')],
    ['bracketed dots', o.join('[.]')],
    ['parenthesised dots', o.join('(.)')],
    ['spelled-out dots', o.join('[dot]')],
    ['full-width digits and dots', wide(dotted)],
    ['full-width digits apart', wide(o.join('\u3000'))],
    ['IPv4-mapped IPv6', `::ffff:${dotted}`],
    ['IPv4-mapped IPv6 in hex', `::ffff:${hex(a)}${hex(b)}:${hex(c)}${hex(d)}`],
    ['IPv4-mapped IPv6 expanded, upper case', `0:0:0:0:0:FFFF:${hex(a)}${hex(b)}:${hex(c)}${hex(d)}`.toUpperCase()],
    ['IPv4-mapped IPv6 in brackets with a port', `[::ffff:${dotted}]:8080`],
  ];
}

/** Every way the review saw one IPv6 address of ours written, named. */
function v6Spellings(groups: number[]): Array<[string, string]> {
  const a = new ipaddr.IPv6(groups);
  const short = a.toString();
  const full = groups.map((g) => hex(g, 4)).join(':');
  return [
    ['IPv6 compressed', short],
    ['IPv6 expanded', full],
    ['IPv6 in upper case', full.toUpperCase()],
    ['IPv6 with a zone id', `${short}%eth0`],
    ['IPv6 in brackets with a port', `[${short}]:443`],
    ['IPv6 in a URL', `https://[${short.toUpperCase()}]:8443/`],
  ];
}

/** Subject and body as they are after the round trip through the final bytes. */
async function decoded(raw: Buffer): Promise<string> {
  const parsed = await simpleParser(raw);
  return `${parsed.subject ?? ''}\n${parsed.text ?? ''}`;
}

describe('the outbound gate, for every spelling of an address of ours', () => {
  const cases: Array<[string, string, string]> = [
    ...v4Spellings([198, 51, 100, 50]).map(([n, s]): [string, string, string] => [n, s, 'A.B.C.50']),
    ...v6Spellings([0x2001, 0xdb8, 0x100, 0, 0, 0, 0, 0x25]).map(([n, s]): [string, string, string] => [
      n,
      s,
      'A:B:C:D::25',
    ]),
  ];
  for (const [name, written, placeholder] of cases) {
    it(`hides ${name} (${written}) in a reply to the list, and refuses it left in the bytes`, async () => {
      const b = await gate().build(
        out({
          subject: `[TLP:AMBER] Re: scans from ${written}`,
          text: `送信元は ${written} です。\nfrom ${written}\n`,
        }),
      );
      expect(b.problems).toEqual([]);
      expect(b.subject).toContain(placeholder);
      expect(b.text).toContain(placeholder);
      const text = await decoded(b.raw);
      expect(text).not.toContain(written);
      expect(own.find(text)).toEqual([]);

      const leaked = await compose(out({ text: `seen at ${written}\n` }));
      expect((await gate().check(leaked, LIST)).join('\n')).toMatch(/operator address \S+ recoverable in the text/);
    });
  }
});

describe('the outbound gate, for numbers that are not our addresses', () => {
  for (const text of [
    'ratio 13.1, baseline 31.5 (sd 9.2), p < 0.001, 412 events from 1,904 addresses',
    'kansoku 1.2.3 on Node 20.11.1, released 2026.11.20; 20.11.2026 18:00 JST; 2026-11-20T09:00:00Z',
    'counts per hour: 198 51 100, then 203 0 113',
    'the neighbours 198.51.101.50, c6.33.65.32, 198.3368242, 198 51 101 50 and 3325256960',
    '2001:db8:200::25, ::ffff:192.0.2.1, fe80::1%eth0, [2001:db8:200::1]:443, 0xdeadbeef, 12:34:56',
  ]) {
    it(`passes ${JSON.stringify(text)} unchanged`, async () => {
      const b = await gate().build(out({ subject: `[TLP:AMBER] Re: ${text}`, text: `${text}\n` }));
      expect(b.problems).toEqual([]);
      expect(b.subject).toBe(`[TLP:AMBER] Re: ${text}`);
      expect(b.text).toBe(`${text}\n`);
    });
  }

  // An operator whose space begins where short numbers land: 20.11.2026 is 20.11.7.234 to inet_aton.
  const big = validateConfig({
    ...config,
    operator: { ...config.operator, networks: ['20.0.0.0/8', '126.0.0.0/8', '1.0.0.0/16'] },
  });

  it('reads a date or a number as an address only when that address is ours', async () => {
    const b = await gate(big).build(
      out({ text: 'on 20.11.2026 the rate was 126.5 per hour, and 126.3367986 was seen\n' }),
    );
    expect(b.problems).toEqual([]);
    expect(b.text).toBe('on A.B.C.234 the rate was 126.5 per hour, and D.E.F.50 was seen\n');
  });

  for (const text of [
    'the 1.645 sigma band; ratio 126.5',
    'Sep 20 15:52:00 managerHost; 2006-09-20 10:38:21 DROP TCP 192.168.72.196 10.9.72.12 445 2459',
    '2018-07-05T15:07:20.910626-0400 and 15:07:20.910626',
    '12:00:00.175792 IP 192.0.2.1.55739 > 192.0.2.9.80',
    'flow 172.31.16.139 0 0 1 4 336 143, MAC 00:0c:29:14:ff:df:f0:08:00',
  ]) {
    it(`passes a log line or a figure that only looks like one of ours: ${JSON.stringify(text)}`, async () => {
      const b = await gate(big).build(out({ text: `${text}\n` }));
      expect(b.problems).toEqual([]);
      expect(b.text).toBe(`${text}\n`);
    });
  }
});

describe('the outbound gate, for any text around any spelling (properties)', () => {
  const ownV4 = fc
    .tuple(fc.constantFrom([198, 51, 100], [203, 0, 113]), fc.integer({ min: 0, max: 255 }))
    .map(([net, d]) => [...net, d] as Octets);
  const ownV6 = fc
    .array(fc.integer({ min: 0, max: 0xffff }), { minLength: 5, maxLength: 5 })
    .map((g) => [0x2001, 0xdb8, 0x100, ...g]);
  const spelledOwn = fc.oneof(
    ownV4.chain((o) => fc.constantFrom(...v4Spellings(o).map(([, s]) => s))),
    ownV6.chain((g) => fc.constantFrom(...v6Spellings(g).map(([, s]) => s))),
  );
  // Octets written apart are read only when four stand alone, so no word here ends or starts with a number.
  const words = fc
    .array(
      fc.constantFrom(
        'scans',
        'from',
        '送信元は',
        'port 5000/tcp',
        'count 412件',
        'ratio 13.1 倍',
        'です',
        'x',
        'SRC=',
        'on 2026-11-20 に',
      ),
      { maxLength: 5 },
    )
    .map((w) => w.join(' '));
  const before = fc.constantFrom(' ', '\n', '、', '(', '「', ': ', '\t', '\n> ');
  const after = fc.constantFrom(' ', '\n', '。', ')', '」', ', ', '.\n', ' です');

  it('never lets a message through with an address of ours readable in it', async () => {
    await fc.assert(
      fc.asyncProperty(
        spelledOwn,
        words,
        before,
        after,
        words,
        fc.constantFrom('utf-8', 'iso-2022-jp'),
        async (written, pre, g1, g2, post, charset) => {
          const text = `${pre}${g1}${written}${g2}${post}\n`;
          const o = out({ text, charset: charset as 'utf-8' | 'iso-2022-jp' });
          const b = await gate().build(o);
          if (b.problems.length === 0) {
            const seen = await decoded(b.raw);
            expect(seen, text).not.toContain(written);
            expect(own.find(seen), text).toEqual([]);
          }
          // And bytes that skipped the redaction are refused on their own.
          expect(await gate().check(await compose(o), LIST), text).not.toEqual([]);
        },
      ),
      { numRuns: 200 },
    );
  });

  /** inet_aton's reading (ipaddr.js), the oracle for "denotes one of ours". */
  const denotesOurs = (s: string) => {
    if (!ipaddr.IPv4.isValid(s)) return false;
    const a = ipaddr.IPv4.parse(s);
    return config.operator.networks.some((n) => {
      const [net, len] = ipaddr.parseCIDR(n);
      return net.kind() === 'ipv4' && a.match(net, len);
    });
  };
  // Outside our space and, in every spelling above, not readable as ours either: a first octet below
  // 127 (its hex digits read as decimal stay below 100), or a near neighbour of one of our /24s.
  const outsideV4 = fc.oneof(
    fc.tuple(fc.integer({ min: 1, max: 126 }), fc.nat(255), fc.nat(255), fc.nat(255)),
    fc.tuple(
      fc.constant(198),
      fc.constant(51),
      fc.nat(255).filter((c) => c !== 100),
      fc.nat(255),
    ),
    fc.tuple(
      fc.constant(203),
      fc.constant(0),
      fc.nat(255).filter((c) => c !== 113),
      fc.nat(255),
    ),
  ) as fc.Arbitrary<Octets>;
  const outsideV6 = fc
    .tuple(
      fc.integer({ min: 0, max: 0x7eff }),
      fc.array(fc.integer({ min: 0, max: 0xffff }), { minLength: 3, maxLength: 3 }),
    )
    .map(([g6, g]) => [0x2001, 0xdb8, 0x200, ...g, g6, 0x1]);
  const ordinary = fc.oneof(
    fc.integer({ min: 0, max: 0xffffffff }).map(String),
    fc.integer({ min: toInt([198, 51, 99, 0]), max: toInt([198, 51, 101, 255]) }).map(String),
    fc.tuple(fc.nat(999), fc.nat(9_999_999)).map(([x, y]) => `${x}.${y}`),
    fc.tuple(fc.nat(30), fc.nat(30), fc.nat(30)).map((v) => `v${v.join('.')}`),
    fc.date({ min: new Date('2000-01-01'), max: new Date('2099-12-31'), noInvalidDate: true }).chain((d) => {
      const [y, m, day] = d.toISOString().slice(0, 10).split('-');
      return fc.constantFrom(`${y}-${m}-${day}`, `${day}.${m}.${y}`, `${y}/${m}/${day}`, d.toISOString());
    }),
    fc.constantFrom('ratio 13.1', '412 events', '1,904 addresses', 'p < 0.001', 'TCP/5000', '各位', 'です。'),
    outsideV4.chain((o) => fc.constantFrom(o.join('.'), ...v4Spellings(o).map(([, s]) => s))),
    outsideV6.chain((g) => fc.constantFrom(...v6Spellings(g).map(([, s]) => s))),
  );

  it('passes ordinary text with numbers and addresses outside our networks unchanged', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          ordinary.filter((s) => !denotesOurs(s)),
          { minLength: 1, maxLength: 8 },
        ),
        fc.constantFrom('; ', ' | ', ' and ', ' — '),
        async (parts, sep) => {
          const text = `${parts.join(sep)}\n`;
          const b = await gate().build(out({ text }));
          expect(b.problems, text).toEqual([]);
          expect(b.text, text).toBe(text);
        },
      ),
      { numRuns: 150 },
    );
  });
});
