import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { extractReport } from '../../src/extract/report.ts';
import { findTlp, subjectWithTlp, TLP_ORDER } from '../../src/extract/tlp.ts';
import { DEFAULT_LIMITS } from '../../src/config/schema.ts';
import { parsePost } from '../../src/mail/parse.ts';
import type { Tlp } from '../../src/model.ts';
import { post, report } from '../helpers/post.ts';

describe('findTlp spellings', () => {
  const cases: Array<[string, Tlp]> = [
    ['TLP:RED', 'RED'],
    ['TLP: red', 'RED'],
    ['[TLP-RED]', 'RED'],
    ['TLP RED', 'RED'],
    ['TLP_RED', 'RED'],
    ['TLP=RED', 'RED'],
    ['TLP/RED', 'RED'],
    ['TLP – RED', 'RED'],
    ['TLP–RED', 'RED'],
    ['TLP — RED', 'RED'],
    ['TLP—RED', 'RED'],
    ['ＴＬＰ：ＲＥＤ', 'RED'],
    ['［ｔｌｐ－ｇｒｅｅｎ］', 'GREEN'],
    ['TLP:AMBER+STRICT', 'AMBER+STRICT'],
    ['TLP:AMBER STRICT', 'AMBER+STRICT'],
    ['TLP:AMBER-STRICT', 'AMBER+STRICT'],
    ['TLP:AMBER_STRICT', 'AMBER+STRICT'],
    ['TLP: AMBER + STRICT', 'AMBER+STRICT'],
    ['TLP：ＡＭＢＥＲ＋ＳＴＲＩＣＴ', 'AMBER+STRICT'],
    ['TLP:AMBER', 'AMBER'],
    ['TLP:GREEN', 'GREEN'],
    ['TLP:CLEAR', 'CLEAR'],
    ['TLP:WHITE', 'CLEAR'],
    ['tlp:white', 'CLEAR'],
    ['Traffic Light Protocol: RED', 'RED'],
    ['Traffic Light Protocol (TLP): AMBER', 'AMBER'],
    ['Traffic-Light-Protocol RED', 'RED'],
    ['traffic light protocol – green', 'GREEN'],
    ['本件はTLP:REDです', 'RED'],
    ['This report is TLP:AMBER.', 'AMBER'],
    ['TLP: **RED**', 'RED'],
    ['TLP:*RED*', 'RED'],
    ['TLP: "RED"', 'RED'],
    ['TLP: [RED]', 'RED'],
    ['TLP 2.0: RED', 'RED'],
    ['TLPv2:RED', 'RED'],
    ['TLP2:RED', 'RED'],
    ['TLP.RED', 'RED'],
    ['TLP;RED', 'RED'],
    ['TLP|RED', 'RED'],
    ['TLP#RED', 'RED'],
    ['TLP => RED', 'RED'],
    ['TLP → RED', 'RED'],
    ['TLP・RED', 'RED'],
    ['TLP:赤', 'RED'],
    ['TLP：レッド', 'RED'],
    ['TLP:\u200bRED', 'RED'],
    ['TLP:R\u0415D', 'RED'],
    ['TLP:R\u034fED', 'RED'],
    ['T\u034fLP:RED', 'RED'],
    ['TLP:R\u206aED', 'RED'],
    ['TLP:\u0280\u1d07\u1d05', 'RED'],
    ['RED (TLP)', 'RED'],
    ['T.L.P.: RED', 'RED'],
    ['TLP:AMBER (STRICT)', 'AMBER+STRICT'],
    ['TLP:AMBER/STRICT', 'AMBER+STRICT'],
  ];
  for (const [text, want] of cases) {
    it(`${JSON.stringify(text)} -> ${want}`, () => expect(findTlp(`scans on 5000/tcp ${text} thanks`)).toBe(want));
  }

  for (const text of [
    'TLPS:RED',
    'atlp:red',
    'xTLP RED',
    'TLP:REDACTED',
    'TLP:GREENISH',
    'RED TLP',
    'traffic light: red',
    'TLP',
    '',
  ]) {
    it(`${JSON.stringify(text)} carries no label`, () => expect(findTlp(text)).toBeNull());
  }
});

describe('findTlp choice', () => {
  it('returns the strictest label of all texts', () => {
    expect(findTlp('TLP:GREEN', 'TLP:RED and TLP:AMBER')).toBe('RED');
    expect(findTlp('TLP:CLEAR TLP:AMBER+STRICT TLP:AMBER')).toBe('AMBER+STRICT');
    expect(findTlp('TLP:WHITE', 'TLP:GREEN')).toBe('GREEN');
  });

  it('never reads AMBER STRICT as plain AMBER', () => {
    for (const sep of [' ', '+', ' + ', '-', '_', ' - ', '＋'])
      expect(findTlp(`TLP:AMBER${sep}STRICT`)).toBe('AMBER+STRICT');
  });

  it('is linear on long runs of separators and near-labels', () => {
    const nasty =
      'TLP '.repeat(50_000) + 'TLP:'.repeat(50_000) + 'Traffic Light '.repeat(20_000) + 'TLP:AMBER '.repeat(20_000);
    const t0 = performance.now();
    expect(findTlp(nasty)).toBe('AMBER');
    expect(performance.now() - t0).toBeLessThan(2_000);
  });
});

const ASCII_TO_WIDE = (c: string) =>
  c === ' ' ? '\u3000' : c >= '!' && c <= '~' ? String.fromCharCode(c.charCodeAt(0) + 0xfee0) : c;

describe('findTlp property', () => {
  const spelled: Record<Tlp, string[]> = {
    CLEAR: ['CLEAR', 'WHITE'],
    GREEN: ['GREEN'],
    AMBER: ['AMBER'],
    'AMBER+STRICT': ['AMBER+STRICT', 'AMBER STRICT', 'AMBER-STRICT', 'AMBER_STRICT', 'AMBER + STRICT'],
    RED: ['RED'],
  };
  const names = ['TLP', 'Traffic Light Protocol', 'Traffic-Light-Protocol', 'Traffic Light Protocol (TLP)'];
  const seps = [':', ': ', ' : ', '-', ' ', '_', '=', '/', '–', ' – ', '—', ' — '];
  // Text around the label that cannot itself hold one.
  const filler = fc.string({ maxLength: 12 }).filter((s) => !/tlp|strict|traffic/i.test(s.normalize('NFKC')));

  it('reads any label, in any separator, case and width', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...TLP_ORDER).chain((l) => fc.tuple(fc.constant(l), fc.constantFrom(...spelled[l]))),
        fc.constantFrom(...names),
        fc.constantFrom(...seps),
        fc.array(fc.tuple(fc.boolean(), fc.boolean()), { minLength: 64, maxLength: 64 }),
        filler,
        filler,
        ([l, word], name, sep, flips, before, after) => {
          const label = [...`${name}${sep}${word}`]
            .map((c, i) => {
              const [upper, wide] = flips[i % flips.length]!;
              const cased = upper ? c.toUpperCase() : c.toLowerCase();
              return wide ? ASCII_TO_WIDE(cased) : cased;
            })
            .join('');
          expect(findTlp(`${before} ${label} ${after}`)).toBe(l);
        },
      ),
      { numRuns: 2_000 },
    );
  });
});

describe('report.tlp reads the whole post', () => {
  const mime = (parts: string) =>
    Buffer.from(
      [
        'From: a@example.org',
        'To: l@example.net',
        'Subject: scans',
        'Message-ID: <alt@example.org>',
        'MIME-Version: 1.0',
        'Content-Type: multipart/mixed; boundary="b1"',
        '',
        parts,
      ].join('\r\n'),
    );

  it('reads a label that only the HTML alternative carries, and takes no claims from it twice', async () => {
    const raw = mime(
      [
        '--b1',
        'Content-Type: multipart/alternative; boundary="b2"',
        '',
        '--b2',
        'Content-Type: text/plain; charset=utf-8',
        '',
        'tcp/5000 scans, anyone?',
        '--b2',
        'Content-Type: text/html; charset=utf-8',
        '',
        '<p>tcp/5000 scans, anyone?</p><p style="color:red">TLP:<b>RED</b></p>',
        '--b2--',
        '--b1--',
        '',
      ].join('\r\n'),
    );
    const r = extractReport(await parsePost(raw), { zone: 'UTC', maxScanChars: 1e6, maxLineChars: 4096 });
    expect(r.tlp).toBe('RED');
    expect(r.ports.map((p) => `${p.proto}/${p.port}`)).toEqual(['tcp/5000']);
  });

  it('reads a label in a JSON or Markdown attachment', async () => {
    for (const [name, type] of [
      ['events.json', 'application/json'],
      ['notes.md', 'text/markdown'],
    ]) {
      const raw = mime(
        [
          '--b1',
          'Content-Type: text/plain; charset=utf-8',
          '',
          'tcp/5000 scans, see attached.',
          '--b1',
          `Content-Type: ${type}; name="${name}"`,
          `Content-Disposition: attachment; filename="${name}"`,
          '',
          '{"tlp": "TLP:RED", "note": "partner data"}',
          '--b1--',
          '',
        ].join('\r\n'),
      );
      expect(
        extractReport(await parsePost(raw), { zone: 'UTC', maxScanChars: 1e6, maxLineChars: 4096 }).tlp,
        name,
      ).toBe('RED');
    }
  });

  it('reads a label past maxScanChars', () => {
    const body = `${'filler text line\n'.repeat(200)}TLP:RED\n`;
    const r = extractReport(post(body), { zone: 'UTC', maxScanChars: 256, maxLineChars: 4096 });
    expect(r.tlp).toBe('RED');
  });

  it('reads a label only in a text attachment', () => {
    const r = report('see attached', {
      attachments: [{ filename: 'fw.log', contentType: 'text/plain', text: 'TLP:AMBER+STRICT\n2026-11-20 01:00 DROP' }],
    });
    expect(r.tlp).toBe('AMBER+STRICT');
  });

  it('reads a label only in the subject', () => {
    expect(report('scans', { subject: '［ＴＬＰ：ＧＲＥＥＮ］ scans' }).tlp).toBe('GREEN');
  });
});

function message(headers: Record<string, string>, body: string): string {
  return `${Object.entries(headers)
    .map(([k, v]) => `${k}: ${v}`)
    .join('\r\n')}\r\n\r\n${body}`;
}

/** A post with a note of its own and `inner` forwarded as a message/rfc822 part. */
function forward(inner: string, n: number, disposition = 'attachment; filename="fwd.eml"'): string {
  const b = `b${n}`;
  return message(
    {
      From: 'member@example.org',
      To: 'nsp-sec-jp@example.net',
      Subject: `Fwd: level ${n}`,
      'Message-ID': `<fwd-${n}@example.org>`,
      'MIME-Version': '1.0',
      'Content-Type': `multipart/mixed; boundary="${b}"`,
    },
    [
      `--${b}`,
      'Content-Type: text/plain; charset=utf-8',
      '',
      `Forwarding, level ${n}.`,
      `--${b}`,
      'Content-Type: message/rfc822',
      ...(disposition ? [`Content-Disposition: ${disposition}`] : []),
      '',
      inner,
      `--${b}--`,
      '',
    ].join('\r\n'),
  );
}

const original = message(
  {
    From: 'reporter@example.com',
    Subject: '=?UTF-8?B?44K544Kt44Oj44Oz5aCx5ZGK?=',
    'Message-ID': '<orig@example.com>',
    'MIME-Version': '1.0',
    'Content-Type': 'multipart/mixed; boundary="in"',
  },
  [
    '--in',
    'Content-Type: text/plain; charset=utf-8',
    '',
    'TLP:RED - do not share outside the list.',
    '--in',
    'Content-Type: text/plain; name="fw.log"',
    'Content-Disposition: attachment; filename="fw.log"',
    '',
    'Nov 20 01:00:00 gw kernel: DROP IN=eth0 OUT= SRC=203.0.113.7 DST=198.51.100.5 LEN=40 ' +
      'PROTO=TCP SPT=40000 DPT=5000 SYN',
    '--in--',
    '',
  ].join('\r\n'),
);

const opts = { zone: 'UTC', maxScanChars: 1e6, maxLineChars: 4096 };

describe('forwarded messages', () => {
  it('reads a label and log lines only inside a forwarded message/rfc822 attachment', async () => {
    const p = await parsePost(Buffer.from(forward(original, 1)));
    expect(p.text).not.toContain('TLP');
    const f = p.attachments.find((a) => a.contentType === 'message/rfc822')!;
    expect(f.filename).toBe('スキャン報告');
    expect(f.text.startsWith('Subject: スキャン報告\n\nTLP:RED')).toBe(true);
    const r = extractReport(p, opts);
    expect(r.tlp).toBe('RED');
    expect(r.logLines.map((e) => e.dpt)).toEqual([5000]);
  });

  it('reads a forwarded part that has no disposition', async () => {
    const r = extractReport(await parsePost(Buffer.from(forward(original, 1, ''))), opts);
    expect(r.tlp).toBe('RED');
  });

  it('reads a forwarded part that mailparser inlines into the body', async () => {
    const p = await parsePost(Buffer.from(forward(original, 1, 'inline')));
    expect(p.text).toContain('TLP:RED');
    expect(extractReport(p, opts).tlp).toBe('RED');
  });

  it('names a forwarded message without a subject', async () => {
    const bare = message({ From: 'x@example.com', 'Content-Type': 'text/plain' }, 'TLP:AMBER\r\n');
    const p = await parsePost(Buffer.from(forward(bare, 1)));
    expect(p.attachments).toEqual([
      { filename: '(forwarded message)', contentType: 'message/rfc822', text: 'Subject: \n\nTLP:AMBER\n' },
    ]);
  });

  it('reads forwards within forwards, three deep', async () => {
    const p = await parsePost(Buffer.from(forward(forward(forward(original, 3), 2), 1)));
    expect(p.warnings).toEqual([]);
    const r = extractReport(p, opts);
    expect(r.tlp).toBe('RED');
    expect(r.logLines).toHaveLength(1);
  });

  it('stops below three forwards, with a warning', async () => {
    const p = await parsePost(Buffer.from(forward(forward(forward(forward(original, 4), 3), 2), 1)));
    expect(p.warnings).toEqual([
      'forwarded message fwd.eml: forwarded more than limits.maxForwardDepth (3) levels deep; not read',
    ]);
    expect(extractReport(p, opts).tlp).toBeNull();
  });

  it('leaves a forwarded message over the size cap unread, with a warning', async () => {
    const p = await parsePost(Buffer.from(forward(original, 1)), { ...DEFAULT_LIMITS, maxForwardBytes: 100 });
    expect(p.attachments).toEqual([]);
    expect(p.warnings).toHaveLength(1);
    expect(p.warnings[0]).toMatch(
      /^forwarded message fwd\.eml: \d+ bytes, over limits\.maxForwardBytes \(100\); not read$/,
    );
  });
});

describe('subjectWithTlp', () => {
  const cases: Array<[string, Tlp, string]> = [
    ['Re: [nsp-sec-jp] tcp/5000 scanning', 'AMBER', '[TLP:AMBER] Re: [nsp-sec-jp] tcp/5000 scanning'],
    ['[TLP:CLEAR] Re: scans', 'AMBER', '[TLP:AMBER] Re: scans'],
    ['Re: [TLP:CLEAR] [nsp] scans', 'RED', '[TLP:RED] Re: [nsp] scans'],
    ['Re: [nsp] scans TLP:GREEN', 'AMBER', '[TLP:AMBER] Re: [nsp] scans'],
    ['Re: scans (TLP-AMBER)', 'GREEN', '[TLP:GREEN] Re: scans'],
    ['Re: ［ＴＬＰ：ＲＥＤ］ ｔｃｐ／５０００ スキャン', 'RED', '[TLP:RED] Re: ｔｃｐ／５０００ スキャン'],
    ['Re: 【TLP:AMBER+STRICT】スキャン', 'AMBER+STRICT', '[TLP:AMBER+STRICT] Re: スキャン'],
    ['Re: scans - TLP: amber + strict', 'RED', '[TLP:RED] Re: scans'],
    ['Traffic Light Protocol (TLP): GREEN - scans', 'AMBER', '[TLP:AMBER] scans'],
    ['[TLP_WHITE]  Re:   [TLP=GREEN]   scans', 'AMBER', '[TLP:AMBER] Re: scans'],
    ['[nsp TLP:GREEN] scans', 'AMBER', '[TLP:AMBER] [nsp] scans'],
    ['Re: TLPS and atlp:red are words', 'AMBER', '[TLP:AMBER] Re: TLPS and atlp:red are words'],
    ['[TLP:RED]', 'AMBER', '[TLP:AMBER]'],
    ['', 'CLEAR', '[TLP:CLEAR]'],
  ];
  for (const [subject, tlp, want] of cases) {
    it(`${JSON.stringify(subject)} (${tlp}) -> ${JSON.stringify(want)}`, () =>
      expect(subjectWithTlp(subject, tlp)).toBe(want));
  }

  it('leaves no label of the poster behind', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...TLP_ORDER),
        fc.constantFrom(...TLP_ORDER),
        fc.string({ maxLength: 20 }),
        (theirs, ours, rest) => {
          const s = subjectWithTlp(`[TLP:${theirs}] ${rest} (ＴＬＰ－${theirs})`, ours);
          expect(s.startsWith(`[TLP:${ours}] `) || s === `[TLP:${ours}]`).toBe(true);
          expect(findTlp(s.slice(`[TLP:${ours}]`.length))).toBe(findTlp(rest));
        },
      ),
    );
  });
});
