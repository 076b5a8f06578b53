import fc from 'fast-check';
import ipaddr from 'ipaddr.js';
import { describe, expect, it } from 'vitest';
import { OwnNetworks, type NetworkMatch } from '../../src/extract/notations.ts';

const ours = new OwnNetworks(['198.51.100.0/24', '203.0.113.0/24', '2001:db8:100::/48']);

const HOST = { value: '198.51.100.50', family: 4, net: '198.51.100', host: '50', reversed: false };
const NET24 = { value: '198.51.100.0/24', family: 4, net: '198.51.100', host: null, reversed: false };
const HOST6 = { value: '2001:db8:100::25', family: 6, net: '2001:db8:100:0', host: '25', reversed: false };

/** The one match in the text, and the text it covers. */
function one(text: string, own = ours): { m: Omit<NetworkMatch, 'start' | 'end'>; span: string } {
  const found = own.find(text);
  expect(found, text).toHaveLength(1);
  const { start, end, ...m } = found[0]!;
  return { m, span: text.slice(start, end) };
}

function redact(text: string, own = ours, mark = '▇'): string {
  let out = '';
  let at = 0;
  for (const m of own.find(text)) {
    out += text.slice(at, m.start) + mark;
    at = m.end;
  }
  return out + text.slice(at);
}

describe('OwnNetworks.find: IPv4 dotted forms', () => {
  const cases: Array<[string, string, object]> = [
    ['seen from 198.51.100.50 today', '198.51.100.50', HOST],
    ['padded 198.051.100.050 octets', '198.051.100.050', HOST],
    ['octal 0306.063.0144.062 octets', '0306.063.0144.062', HOST],
    ['hex 0xc6.0x33.0x64.0x32 octets', '0xc6.0x33.0x64.0x32', HOST],
    ['HEX 0XC6.0X33.0X64.0X32', '0XC6.0X33.0X64.0X32', HOST],
    [
      'the other net 203.0.113.7.',
      '203.0.113.7',
      { value: '203.0.113.7', family: 4, net: '203.0.113', host: '7', reversed: false },
    ],
  ];
  for (const [text, span, m] of cases) {
    it(`finds ${span}`, () => expect(one(text)).toEqual({ m, span }));
  }

  it('reads a whole address when a wrap splits its first number and its last runs into the next line', () => {
    // Found by the property below (fast-check seed 1346919997): the /24 alone left "0x4f" in the text.
    expect(ours.find(' 0xc\n6.0x33.0x64.0x4f\na').map((m) => m.value)).toEqual(['198.51.100.79']);
  });

  it('finds an octal form whose decimal reading is not ours, and a padded one whose octal reading is not', () => {
    expect(one('0306.063.0144.062').m.value).toBe('198.51.100.50');
    expect(one('198.051.100.099').m.value).toBe('198.51.100.99');
  });
});

describe('OwnNetworks.find: /24 and /16 forms', () => {
  for (const text of [
    '198.51.100.x',
    '198.51.100.X',
    '198.51.100.xxx',
    '198.51.100.*',
    '198.51.100/24',
    '198.51.100.0/24',
  ]) {
    it(`reads ${text} as our /24`, () => expect(one(`block ${text} now`)).toEqual({ m: NET24, span: text }));
  }

  it('reads three bare dotted numbers as a /24 when it overlaps our networks', () => {
    expect(one('the range 198.51.100 is ours')).toEqual({ m: NET24, span: '198.51.100' });
    const narrow = new OwnNetworks(['198.51.100.128/25']);
    expect(one('198.51.100 again', narrow).m.value).toBe('198.51.100.0/24');
  });

  it('reads two-octet wildcard and /16 forms only when the /16 lies inside our networks', () => {
    const wide = new OwnNetworks(['10.0.0.0/8']);
    for (const text of ['10.20.x.x', '10.20.*.*', '10.20/16', '10.20.0.0/16']) {
      expect(one(`net ${text} here`, wide)).toEqual({
        m: { value: '10.20.0.0/16', family: 4, net: '10.20.0', host: null, reversed: false },
        span: text,
      });
    }
    expect(ours.find('198.51.x.x 198.51/16 198.51.0.0/16 198.0.0.0/8')).toEqual([]);
  });

  it('never reads a clock time as a /24, whatever hour our networks start at', () => {
    // An operator with 20.0.0.0/8: a Date header or a quoted log line at 20:28:49 is no leak.
    const hours = new OwnNetworks(['20.0.0.0/8', '9.0.0.0/8']);
    for (const text of [
      'Date: Sun, 06 Dec 2026 20:28:49 +0000',
      'Nov 19 09:01:02 edge01 kernel: DROP',
      '2026-12-06T20:28:49Z',
    ])
      expect(hours.find(text)).toEqual([]);
    // Colons that make no time still join octets.
    expect(hours.find('block 20:28:99 now').map((m) => m.value)).toEqual(['20.28.99.0/24']);
  });

  it('reads an address with a prefix length that has host bits as the address', () => {
    expect(one('if 198.51.100.50/24 up')).toEqual({ m: HOST, span: '198.51.100.50/24' });
  });
});

describe('OwnNetworks.find: defanged forms', () => {
  for (const text of [
    '198.51.100[.]50',
    '198[.]51[.]100[.]50',
    '198(.)51(.)100(.)50',
    '198{.}51{.}100{.}50',
    '198[dot]51[dot]100[dot]50',
    '198(dot)51(DOT)100(dot)50',
    '198 dot 51 dot 100 dot 50',
    '198[ . ]51[ . ]100[ . ]50',
    '198[ dot ]51[.]100(.)50',
  ]) {
    it(`finds ${text}`, () => expect(one(`ioc: ${text}, blocked`)).toEqual({ m: HOST, span: text }));
  }

  it('finds IPv6 with [:]', () => {
    expect(one('ioc 2001[:]db8[:]100[:][:]25 blocked')).toEqual({ m: HOST6, span: '2001[:]db8[:]100[:][:]25' });
  });
});

describe('OwnNetworks.find: Unicode dots and full-width digits', () => {
  for (const text of [
    '198\u202451\u2024100\u202450',
    '198．51．100．50',
    '198。51。100。50',
    '198｡51｡100｡50',
    '１９８．５１．１００．５０',
    '１９８.51。１００｡５０',
  ]) {
    it(`finds ${text}`, () => expect(one(`送信元は${text}です`)).toEqual({ m: HOST, span: text }));
  }

  it('finds IPv6 with full-width digits and colons', () => {
    const text = '２００１：ｄｂ８：１００：：２５';
    expect(one(`宛先${text}へ`)).toEqual({ m: HOST6, span: text });
  });
});

describe('OwnNetworks.find: reverse DNS', () => {
  it('finds an in-addr.arpa name, reversed', () => {
    expect(one('PTR 50.100.51.198.in-addr.arpa.')).toEqual({ m: { ...HOST, reversed: true }, span: '50.100.51.198' });
  });

  it('finds an in-addr.arpa /24 zone', () => {
    expect(one('zone 100.51.198.IN-ADDR.ARPA')).toEqual({ m: { ...NET24, reversed: true }, span: '100.51.198' });
  });

  it('finds a full ip6.arpa name', () => {
    const nibbles = [...'20010db8010000000000000000000025'].reverse().join('.');
    expect(one(`PTR ${nibbles}.ip6.arpa.`)).toEqual({ m: { ...HOST6, reversed: true }, span: nibbles });
  });

  it('finds a partial ip6.arpa zone of at least 48 bits that touches our networks', () => {
    expect(one('zone 0.0.1.0.8.b.d.0.1.0.0.2.ip6.arpa').m).toEqual({
      value: '2001:db8:100::/48',
      family: 6,
      net: '2001:db8:100:0',
      host: null,
      reversed: true,
    });
    expect(one('zone 7.0.0.0.0.0.1.0.8.b.d.0.1.0.0.2.ip6.arpa').m.value).toBe('2001:db8:100:7::/64');
    expect(ours.find('zone 8.b.d.0.1.0.0.2.ip6.arpa and 1.0.1.0.8.b.d.0.1.0.0.2.ip6.arpa')).toEqual([]);
  });
});

describe('OwnNetworks.find: addresses inside host names', () => {
  const forward: string[] = [
    '198-51-100-50.dsl.isp.example',
    'ip-198-51-100-50.example',
    'host198.51.100.50',
    '198_51_100_50',
  ];
  for (const text of forward) {
    it(`finds ${text}`, () => expect(one(`from ${text}`).m).toEqual(HOST));
  }
  for (const text of ['50-100-51-198.static.isp.example', '50.100.51.198.rev.example', 'dyn-50_100_51_198']) {
    it(`finds reversed ${text}`, () => expect(one(`from ${text}`).m).toEqual({ ...HOST, reversed: true }));
  }
});

describe('OwnNetworks.find: whole-address numbers', () => {
  for (const [text, span] of [
    ['http://3325256754/', '3325256754'],
    ['0xC6336432', '0xC6336432'],
    ['0xc6336432', '0xc6336432'],
    ['c6336432.dyn.example', 'c6336432'],
    ['C6336432-gw', 'C6336432'],
    ['030614662062', '030614662062'],
  ]) {
    it(`finds ${text}`, () => expect(one(`host ${text} seen`)).toEqual({ m: HOST, span }));
  }

  it('does not read an integer inside a decimal or a longer number', () => {
    expect(ours.find('1.3325256754 3325256754.5 33252567540 13325256754')).toEqual([]);
  });
});

describe('OwnNetworks.find: IPv6', () => {
  for (const [text, span] of [
    ['2001:db8:100::25', '2001:db8:100::25'],
    ['2001:0db8:0100:0000:0000:0000:0000:0025', '2001:0db8:0100:0000:0000:0000:0000:0025'],
    ['2001:DB8:100:0:0:0:0:25.', '2001:DB8:100:0:0:0:0:25'],
    ['inside:2001:db8:100::25/5000', '2001:db8:100::25'],
    ['deadbeef2001:db8:100::25', '2001:db8:100::25'],
    ['[2001:db8:100::25]:443', '2001:db8:100::25'],
    ['2001:db8:100::25%eth0', '2001:db8:100::25'],
  ]) {
    it(`finds ${text}`, () => expect(one(`dst ${text} blocked`)).toEqual({ m: HOST6, span }));
  }

  it('finds an IPv6 prefix', () => {
    expect(one('route 2001:db8:100::/48').m).toEqual({
      value: '2001:db8:100::/48',
      family: 6,
      net: '2001:db8:100:0',
      host: null,
      reversed: false,
    });
    expect(one('route 2001:db8:100:7::/64').m.value).toBe('2001:db8:100:7::/64');
    expect(ours.find('route 2001:db8::/32')).toEqual([]);
  });

  for (const [name, text] of [
    ['mixed IPv4-mapped', '::ffff:198.51.100.50'],
    ['IPv4-mapped in hex', '::ffff:c633:6432'],
    ['IPv4-compatible', '::c633:6432'],
    ['NAT64 well-known prefix', '64:ff9b::c633:6432'],
    ['NAT64 network-specific prefix', '2001:db8:5:1::c633:6432'],
    ['6to4', '2002:c633:6432::1'],
    ['Teredo client', '2001:0:4136:e378:8000:63bf:39cc:9bcd'],
    ['ISATAP', 'fe80::5efe:c633:6432'],
  ]) {
    it(`finds our IPv4 address in ${name} ${text}`, () =>
      expect(one(`src ${text} x`)).toEqual({ m: HOST, span: text }));
  }
});

describe('OwnNetworks.find: wrapped lines', () => {
  for (const text of [
    '198.51.\n100.50',
    '198.51.100.\n> 50',
    '198.51.100\n  .50',
    '198.51.10\n0.50',
    '198.51.100.\r\n> > 50',
    '198.51. \n100.50',
    '198.51. 100.50',
    '198.51.100.  50',
  ]) {
    it(`finds ${JSON.stringify(text)}`, () => expect(one(`> from ${text} again`)).toEqual({ m: HOST, span: text }));
  }

  it('finds a wrapped IPv6 address', () => {
    expect(one('dst 2001:db8:\n> 100::25 x')).toEqual({ m: HOST6, span: '2001:db8:\n> 100::25' });
  });
});

describe('OwnNetworks.find: spans and ordering', () => {
  it('gives spans in original coordinates, so replacing them removes every address', () => {
    const text = '１９８．５１．１００．５０ と 198[.]51[.]100[.]51、そして\n> 198.51.\n> 100.52 と 2001:db8:100::25';
    const found = ours.find(text);
    expect(found.map((m) => m.value)).toEqual(['198.51.100.50', '198.51.100.51', '198.51.100.52', '2001:db8:100::25']);
    expect(redact(text, ours, 'X')).toBe('X と X、そして\n> X と X');
  });

  it('returns matches sorted by start and never overlapping', () => {
    const found = ours.find('203.0.113.9 198.51.100.1-198.51.100.9 ::ffff:198.51.100.50 50.100.51.198.in-addr.arpa');
    expect(found.map((m) => m.value)).toEqual([
      '203.0.113.9',
      '198.51.100.1',
      '198.51.100.9',
      '198.51.100.50',
      '198.51.100.50',
    ]);
    for (let i = 1; i < found.length; i++) expect(found[i]!.start).toBeGreaterThanOrEqual(found[i - 1]!.end);
  });
});

describe('OwnNetworks.find: what is not ours', () => {
  for (const text of [
    '8.8.8.8 and 192.0.2.1 and 198.51.101.50',
    'released 2026.11.20, version 1.2.3.4, at 10:15:30 JST',
    '2026-11-20T10:15:30+09:00 port 443/tcp 8080',
    'Message-ID: <20261120101530.GA12345@mail.example.jp>',
    'timestamp 1763600000.123 and 1763600000',
    '2001:db8:200::25 and fe80::1 and ::1',
    'hash deadbeefcafebabe0123456789abcdef',
    '100.51.199.in-addr.arpa and 51.100.50.7',
  ]) {
    it(`returns nothing for ${JSON.stringify(text)}`, () => expect(ours.find(text)).toEqual([]));
  }

  it('returns nothing when no networks are configured', () => {
    const none = new OwnNetworks([]);
    expect(none.empty).toBe(true);
    expect(ours.empty).toBe(false);
    expect(none.find('198.51.100.50')).toEqual([]);
  });
});

describe('OwnNetworks.contains', () => {
  it('answers for addresses and prefixes in any notation', () => {
    for (const s of [
      '198.51.100.50',
      '198.051.100.050',
      '3325256754',
      '0xc6336432',
      '198.51.100.128/25',
      '2001:db8:100::25',
      '2001:db8:100:7::/64',
      '::ffff:198.51.100.50',
      '198[.]51[.]100[.]50',
      '50.100.51.198.in-addr.arpa',
    ]) {
      expect(ours.contains(s), s).toBe(true);
    }
    for (const s of ['8.8.8.8', '198.51.0.0/16', '2001:db8::/32', '2001:db8:200::1', 'not an address']) {
      expect(ours.contains(s), s).toBe(false);
    }
  });
});

// ---- property tests ----

const FULL = '０１２３４５６７８９';
const octet = fc.integer({ min: 0, max: 255 });
const v4Ours = fc
  .tuple(fc.constantFrom([198, 51, 100], [203, 0, 113]), octet)
  .map(([n, h]) => [...n, h] as [number, number, number, number]);
const v6Ours = fc
  .array(fc.integer({ min: 0, max: 0xffff }), { minLength: 5, maxLength: 5 })
  .map((g) => ipaddr.IPv6.parse(`2001:db8:100:${g.map((x) => x.toString(16)).join(':')}`));

const hex = (n: number, w: number): string => n.toString(16).padStart(w, '0');
const fixed = (a: ipaddr.IPv6): string => a.parts.map((x) => hex(x, 4)).join(':');
const long = (o: number[]): number => o.reduce((a, x) => a * 256 + x, 0);

/** A rendering: the text, and decorations around the address that may survive redaction. */
interface Rendered {
  text: string;
  keep: string[];
}

const fullWidth = (s: string, mask: boolean[]): string =>
  [...s].map((c, i) => (mask[i % mask.length] && c >= '0' && c <= '9' ? FULL[Number(c)]! : c)).join('');

const bools = fc.array(fc.boolean(), { minLength: 1, maxLength: 12 });

const v4Notation = (o: [number, number, number, number]): fc.Arbitrary<Rendered> => {
  const r = (text: string, ...keep: string[]): Rendered => ({ text, keep });
  return fc.oneof(
    fc.constant(r(o.join('.'))),
    bools.map((pad) => r(o.map((x, i) => (pad[i % pad.length] ? String(x).padStart(3, '0') : String(x))).join('.'))),
    fc.constant(r(o.map((x) => `0${x.toString(8)}`).join('.'))),
    fc.boolean().map((up) => r(o.map((x) => (up ? `0X${hex(x, 2).toUpperCase()}` : `0x${x.toString(16)}`)).join('.'))),
    fc
      .array(fc.constantFrom('[.]', '(.)', '{.}', '[dot]', '(dot)', ' dot ', '[ . ]', ' DOT ', '.'), {
        minLength: 3,
        maxLength: 3,
      })
      .map((seps) => r(`${o[0]}${seps[0]}${o[1]}${seps[1]}${o[2]}${seps[2]}${o[3]}`)),
    fc
      .tuple(
        fc.array(fc.constantFrom('.', '\u2024', '\uff0e', '\u3002', '\uff61'), { minLength: 3, maxLength: 3 }),
        bools,
      )
      .map(([seps, mask]) => r(fullWidth(`${o[0]}${seps[0]}${o[1]}${seps[1]}${o[2]}${seps[2]}${o[3]}`, mask))),
    fc.constant(r(`${[...o].reverse().join('.')}.in-addr.arpa`, '.in-addr.arpa')),
    fc
      .constantFrom('-', '_', '.')
      .map((sep) => r(`${[...o].reverse().join(sep)}.static.isp.example`, '.static.isp.example')),
    fc.constantFrom('-', '_').map((sep) => r(`${o.join(sep)}.dsl.isp.example`, '.dsl.isp.example')),
    fc.constant(r(`ip-${o.join('-')}`, 'ip-')),
    fc.constant(r(`host${o.join('.')}`, 'host')),
    fc.constant(r(String(long(o)))),
    fc.constant(r(`0x${hex(long(o), 8)}`)),
    fc.constant(r(`${hex(long(o), 8)}.dyn.example`, '.dyn.example')),
    fc.constant(r(`0${long(o).toString(8)}`)),
    fc.constant(r(`::ffff:${o.join('.')}`)),
    fc
      .constantFrom('::ffff:', '::', '64:ff9b::', '2001:db8:1::', '::5efe:')
      .map((p) => r(`${p}${hex(o[0] * 256 + o[1], 1)}:${hex(o[2] * 256 + o[3], 1)}`)),
    fc.constant(r(`2002:${hex(o[0] * 256 + o[1], 1)}:${hex(o[2] * 256 + o[3], 1)}::1`)),
  );
};

const v6Notation = (a: ipaddr.IPv6): fc.Arbitrary<Rendered> => {
  const r = (text: string, ...keep: string[]): Rendered => ({ text, keep });
  return fc.oneof(
    fc.constant(r(a.toString())),
    fc.constant(r(a.toNormalizedString())),
    fc.constant(r(fixed(a).toUpperCase())),
    fc.constant(r(`inside:${a.toString()}/5000`, 'inside:', '/5000')),
    fc.constant(r(`[${a.toString()}]:443`, ':443')),
    fc.constant(r(`${a.toString()}%eth0`, '%eth0')),
    fc.constant(r(a.toNormalizedString().replaceAll(':', '[:]'))),
    bools.map((mask) => r(fullWidth(a.toString().replaceAll(':', '：'), mask))),
    fc.constant(r(`${[...fixed(a).replaceAll(':', '')].reverse().join('.')}.ip6.arpa`, '.ip6.arpa')),
  );
};

/** Whether position `at` falls strictly inside an occurrence of `k` in `text`. */
function inside(text: string, k: string, at: number): boolean {
  for (let i = text.indexOf(k); i >= 0; i = text.indexOf(k, i + 1)) if (at > i && at < i + k.length) return true;
  return false;
}

/** A mailer's wrap at any point of the address, maybe with quote markers on the new line. */
const wrapped = (n: Rendered): fc.Arbitrary<Rendered> =>
  fc.oneof(
    { weight: 3, arbitrary: fc.constant(n) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(
          fc.integer({ min: 1, max: Math.max(1, n.text.length - 1) }),
          fc.constantFrom('\n', '\n> ', '\r\n>> ', '\n   '),
        )
        // The decorations are checked as whole strings afterwards, so the wrap falls outside them.
        .filter(([at]) => n.keep.every((k) => !inside(n.text, k, at)))
        .map(([at, br]) => ({ ...n, text: n.text.slice(0, at) + br + n.text.slice(at) })),
    },
  );

const filler = fc
  .array(
    fc.constantFrom(
      'a',
      'Z',
      'q',
      'アドレス',
      'からの',
      '通信',
      'です',
      '、',
      '。',
      ' ',
      ',',
      '!',
      '?',
      '"',
      '(',
      ')',
      '/',
      ':',
      '-',
      '.',
      'の',
    ),
    { maxLength: 8 },
  )
  .map((xs) => xs.join(''));
const gap = fc.constantFrom(' ', '\n', '、', '(', ')', '「', '」', ', ', '\t', '\n> ');

const embedded = (n: fc.Arbitrary<Rendered>): fc.Arbitrary<{ text: string; keep: string[] }> =>
  fc
    .tuple(filler, gap, n.chain(wrapped), gap, filler)
    .map(([p, g1, r, g2, s]) => ({ text: `${p}${g1}${r.text}${g2}${s}`, keep: r.keep }));

/** After redaction no digit of the address may be left (the surroundings have none of their own). */
function leftDigits(text: string, keep: string[]): string {
  // Decorations may have been wrapped too; join them before taking them out.
  let t = redact(text).replace(/[ \t]*\r?\n[ \t>]*/g, '');
  for (const k of keep) t = t.replaceAll(k, '');
  return t.replace(/[^0-9０-９]/g, '');
}

describe('OwnNetworks.find: properties', () => {
  it('redacts an IPv4 address of ours written in any notation, anywhere', () => {
    fc.assert(
      fc.property(embedded(v4Ours.chain(v4Notation)), ({ text, keep }) => {
        expect(leftDigits(text, keep), text).toBe('');
        expect(ours.find(redact(text)), text).toEqual([]);
      }),
      { numRuns: 3000 },
    );
  });

  it('redacts an IPv6 address of ours written in any notation, anywhere', () => {
    fc.assert(
      fc.property(embedded(v6Ours.chain(v6Notation)), ({ text, keep }) => {
        expect(leftDigits(text, keep), text).toBe('');
        expect(ours.find(redact(text)), text).toEqual([]);
      }),
      { numRuns: 2000 },
    );
  });

  it('finds the very address that was written', () => {
    fc.assert(
      fc.property(v4Ours, filler, filler, (o, p, s) => {
        const found = ours.find(`${p} ${o.join('.')} ${s}`);
        expect(found.map((m) => m.value)).toEqual([o.join('.')]);
        expect(found[0]!.host).toBe(String(o[3]));
      }),
    );
  });

  it('never returns an address outside our networks', () => {
    fc.assert(
      fc.property(octet, octet, filler, filler, (c, d, p, s) => {
        expect(ours.find(`${p} 8.8.${c}.${d} ${s}`)).toEqual([]);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('OwnNetworks.find: what a hostile member tried', () => {
  // Each of these reached a draft in clear before; a reader takes every one for 198.51.100.50.
  const forms = [
    '198.51.1\u200b00.50',
    '198.51.100.\u00ad50',
    '198\u00b751\u00b7100\u00b750',
    '198\u202251\u2022100\u202250',
    '198\u22c551\u22c5100\u22c550',
    '198\u30fb51\u30fb100\u30fb50',
    '198\u221951\u2219100\u221950',
    '198\u202751\u2027100\u202750',
    '198,51,100,50',
    '198，51，100，50',
    '198、51、100、50',
    '198ー51ー100ー50',
    '198\u221251\u2212100\u221250',
    '198 . 51 . 100 . 50',
    '198 .51 .100 .50',
    '198\t.\t51.100.50',
    '198 (dot) 51 (dot) 100 (dot) 50',
    '198<.>51<.>100<.>50',
    '198【.】51【.】100【.】50',
    '198[.51.100.50',
    '198.51.100.]50',
    '198DOT51DOT100DOT50',
    '198_dot_51_dot_100_dot_50',
    '198ドット51ドット100ドット50',
    '198\\.51\\.100\\.50',
    '198%2E51%2E100%2E50',
    '198..51..100..50',
    '19\u248f5\u2488100.50',
    '\u0661\u0669\u0668.\u0665\u0661.\u0661\u0660\u0660.\u0665\u0660',
    '\u0967\u096f\u096e.\u096b\u0967.\u0967\u0966\u0966.\u096b\u0966',
  ];
  for (const text of forms) {
    it(`finds ${JSON.stringify(text)}`, () => {
      expect(ours.find(`SRC=${text} x`).map((m) => m.value)).toEqual(['198.51.100.50']);
      expect(redact(`SRC=${text} x`)).toBe('SRC=▇ x');
    });
  }

  it('finds a prefix down to /20 written around our networks, and not a wide aggregate', () => {
    expect(ours.find('from 198.51.100.0/23 and 198.51.96.0/20').map((m) => m.value)).toEqual([
      '198.51.100.0/23',
      '198.51.96.0/20',
    ]);
    expect(ours.find('from 198.51.0.0/16')).toEqual([]);
  });

  it('leaves a numbered list item alone: ① is not a digit of the address after it', () => {
    expect(ours.find('①198.51.100.50').map((m) => m.value)).toEqual(['198.51.100.50']);
  });
});

describe('OwnNetworks.find: what a second hostile member tried', () => {
  const v6 = new OwnNetworks(['198.51.100.0/24', '2001:db8:100::/48']);
  for (const [text, value] of [
    ['2001-db8-100--25.ipv6-literal.net', '2001:db8:100::25'],
    ['2001-db8-100-0-0-0-0-25.ipv6-literal.net', '2001:db8:100::25'],
    ['2001%3Adb8%3A100%3A%3A25', '2001:db8:100::25'],
    ['2001\u2236db8\u2236100\u2236\u223625', '2001:db8:100::25'],
    ['2001\ua789db8\ua789100\ua789\ua78925', '2001:db8:100::25'],
    ['2001\u02f8db8\u02f8100\u02f8\u02f825', '2001:db8:100::25'],
    ['20010db8010000000000000000000025', '2001:db8:100::25'],
    ['2001:db8:100:*', '2001:db8:100::/48'],
    ['2001:db8:100:x:x:x:x:x', '2001:db8:100::/48'],
    ['%31%39%38%2E%35%31%2E%31%30%30%2E%35%30', '198.51.100.50'],
    ['198&#46;51&#46;100&#46;50', '198.51.100.50'],
    ['198&period;51&period;100&period;50', '198.51.100.50'],
    ['198:51:100:50', '198.51.100.50'],
    ['198;51;100;50', '198.51.100.50'],
    ['198|51|100|50', '198.51.100.50'],
  ] as const) {
    it(`finds ${JSON.stringify(text)}`, () => {
      expect(v6.find(`DST=${text} x`).map((m) => m.value)).toEqual([value]);
      // As with in-addr.arpa, the zone's own name stays: only the address in it is ours.
      expect(redact(`DST=${text} x`, v6)).toBe(
        `DST=▇${text.endsWith('.ipv6-literal.net') ? '.ipv6-literal.net' : ''} x`,
      );
    });
  }

  it('still reads times and MAC addresses as what they are', () => {
    expect(v6.find('at 10:15:30, mac 00:1b:44:11:3a:b7, id 8f14e45fceea167a5a36dedd4bea2543')).toEqual([]);
  });
});
