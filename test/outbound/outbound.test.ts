import fc from 'fast-check';
import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/config/load.ts';
import { OwnNetworks } from '../../src/extract/notations.ts';
import { createLogger } from '../../src/log.ts';
import { Dispatcher } from '../../src/outbound/send.ts';
import { compose, MAX_REFERENCES, type Outgoing } from '../../src/outbound/compose.ts';
import { OutboundGate } from '../../src/outbound/gate.ts';
import { memoryBook } from '../../src/outbound/redact.ts';
import { decide } from '../../src/review/transitions.ts';
import { config, draft, out } from '../helpers/outbound.ts';
import { openTestStore } from '../helpers/store.ts';

const gate = (book = memoryBook()) => new OutboundGate(config, book);

describe('the outbound gate', () => {
  it('redacts our own networks in the subject, the body and the thread headers of a message to a list', async () => {
    const b = await gate().build(
      out({
        subject: '[TLP:AMBER] Re: scans from 198.51.100.50',
        text: 'seen at 198.51.100.50 and 203.0.113.9, not 192.0.2.1\n',
        inReplyTo: '<20261120.198.51.100.50@example.org>',
        references: ['<root@example.org>', '<20261120.198.51.100.50@example.org>'],
      }),
    );
    expect(b.problems).toEqual([]);
    const raw = b.raw.toString('latin1');
    expect(raw).not.toContain('198.51.100');
    expect(raw).not.toContain('203.0.113');
    expect(b.subject).toBe('[TLP:AMBER] Re: scans from A.B.C.50');
    expect(b.text).toContain('A.B.C.50 and D.E.F.9, not 192.0.2.1');
    expect(b.inReplyTo).toMatch(/^<h\.[0-9a-f]{32}@kansoku\.invalid>$/);
    // The same id always gives the same hash, so our own messages still thread together.
    expect(b.references).toEqual(['<root@example.org>', b.inReplyTo]);
  });

  it('gives one /24 the same placeholder in every draft of the deployment', async () => {
    const store = openTestStore();
    const first = await new OutboundGate(config, store.placeholders).build(
      out({ text: '203.0.113.9 then 198.51.100.7\n' }),
    );
    const second = await new OutboundGate(config, store.placeholders).build(
      out({ text: '198.51.100.8 and 203.0.113.10\n' }),
    );
    expect(first.text).toContain('A.B.C.9 then D.E.F.7');
    expect(second.text).toContain('D.E.F.8 and A.B.C.10');
  });

  it('refuses bytes from which an operator address can be recovered, and says where', async () => {
    const raw = await compose(out({ text: 'leaked 198.51.100.50 here\n' }));
    const problems = await gate().check(raw, ['nsp@example.net']);
    expect(problems.join('\n')).toMatch(/operator address 198\.51\.100\.50 recoverable in the text/);
  });

  it('redacts before the ISO-2022-JP conversion folds look-alike dots into ASCII', async () => {
    const b = await gate().build(out({ charset: 'iso-2022-jp', text: '送信元は198\u202451\u2024100\u202450です。\n' }));
    expect(b.problems).toEqual([]);
    const parsed = await simpleParser(b.raw);
    expect(parsed.text).not.toMatch(/198.51.100.50/);
    expect(parsed.text).toContain('A.B.C.50');
  });

  it('lets a private alert carry our addresses, and only to our own people', async () => {
    const alert = out({
      kind: 'alert',
      to: 'soc@isp.example',
      text: 'our customer 203.0.113.77 scans others\n',
      automatic: true,
    });
    const b = await gate().build(alert);
    expect(b.problems).toEqual([]);
    expect(b.text).toContain('203.0.113.77');
    // The same bytes to a list are refused, whatever the envelope says.
    expect((await gate().check(b.raw, ['nsp@example.net'])).join(' ')).toMatch(/operator address/);
    const relabelled = await compose({ ...alert, to: 'soc@isp.example, nsp@example.net' });
    expect((await gate().check(relabelled, ['soc@isp.example'])).join(' ')).toMatch(/operator address/);
  });

  it('refuses TLP:RED to a list, a label below the list default, and a subject without our tag', async () => {
    const check = async (o: Outgoing) => (await gate().check(await compose(o), ['nsp@example.net'])).join(' ');
    expect(await check(out({ tlp: 'RED', subject: '[TLP:RED] x' }))).toMatch(/TLP:RED material addressed to a list/);
    expect(await check(out({ tlp: 'GREEN', subject: '[TLP:GREEN] x' }))).toMatch(
      /below this audience's floor TLP:AMBER/,
    );
    expect(await check(out({ subject: 'Re: [TLP:CLEAR] x' }))).toMatch(/does not start with our tag/);
    expect(await check(out())).toBe('');
  });

  it('marks what goes without a person Auto-Submitted, and refuses it unmarked', async () => {
    const auto = (await compose(out({ automatic: true }))).toString('latin1');
    expect(auto).toMatch(/^Auto-Submitted: auto-generated\r$/m);
    expect((await compose(out())).toString('latin1')).not.toMatch(/^Auto-Submitted:/m);
    expect(await gate().check(await compose(out()), ['nsp@example.net'], { automatic: true })).toContain(
      'sent without approval but not marked Auto-Submitted',
    );
  });

  it('writes CRLF throughout, keeps "-- " as the signature line, and keeps every line within 998', async () => {
    const huge = `<${'x'.repeat(200_000)}@example.org>`;
    const refs = Array.from({ length: 10_000 }, (_, i) => `<r${i}@example.org>`);
    const b = await gate().build(out({ text: 'a\r\nb\rc\n-- \nsig\n', inReplyTo: huge, references: [...refs, huge] }));
    expect(b.problems).toEqual([]);
    const raw = b.raw.toString('latin1');
    expect(raw).not.toMatch(/\r(?!\n)|(?<!\r)\n/);
    expect(raw.split('\r\n').every((l) => l.length <= 998)).toBe(true);
    expect(b.references).toHaveLength(MAX_REFERENCES + 1);
    expect(b.references[0]).toBe('<r0@example.org>');
    const parsed = await simpleParser(b.raw);
    expect(parsed.text).toContain('\n-- \nsig');
    expect(parsed.inReplyTo).toMatch(/^<h\.[0-9a-f]{32}@kansoku\.invalid>$/);
  });
});

describe('the dispatcher', () => {
  const log = createLogger('silent');

  it('checks the stored bytes before the wire: a refused row is kept, its draft held, nothing sent', async () => {
    const store = openTestStore();
    const eml = await compose(out({ text: 'tampered: 198.51.100.50\n' }));
    const id = store.drafts.add(
      { ...draft, envelopeFrom: 'kansoku@isp.example', eml, emlPath: null, reviewToken: null },
      'kansoku',
    );
    decide(store, id, 'approve', 'alice', null);
    const d = new Dispatcher(config, store, log);
    expect(await d.dispatch()).toMatchObject({ sent: 0, failed: 0, refused: 1 });
    d.close();
    expect(store.drafts.get(id).status).toBe('held');
    expect(store.drafts.get(id).heldReason).toMatch(/outbound gate: operator address 198\.51\.100\.50/);
    expect(store.drafts.refusals(id)).toMatchObject([{ stage: 'send', draftId: id }]);
    expect(store.outbox.pending()).toEqual([]);
  });

  it('holds an approved draft for its grace period, so that a reversal can land', async () => {
    const store = openTestStore();
    const eml = await compose(out());
    const id = store.drafts.add(
      { ...draft, envelopeFrom: 'kansoku@isp.example', eml, emlPath: null, reviewToken: null },
      'kansoku',
    );
    decide(store, id, 'approve', 'alice', null, new Date(Date.now() + 300_000).toISOString());
    const d = new Dispatcher(config, store, log);
    expect(await d.dispatch()).toMatchObject({ sent: 0, failed: 0, waiting: 1 });
    d.close();
    decide(store, id, 'reject', 'alice', 'changed my mind');
    expect(store.outbox.pending()).toEqual([]);
    expect(store.drafts.get(id).status).toBe('rejected');
  });
});

describe('no operator address survives the gate, in any notation (property)', () => {
  /** One address of ours written as a careless or hostile member might. */
  const notation = (o: number[], style: number, wrapAt: number): string => {
    const [a, b, c, d] = o as [number, number, number, number];
    const hex = (n: number) => n.toString(16).padStart(2, '0');
    const int = ((a << 24) >>> 0) + (b << 16) + (c << 8) + d;
    const fw = (s: string) => s.replace(/[0-9]/g, (x) => String.fromCharCode(0xff10 + Number(x)));
    const forms = [
      `${a}.${b}.${c}.${d}`,
      [a, b, c, d].map((x) => String(x).padStart(3, '0')).join('.'),
      `${a}[.]${b}[.]${c}[.]${d}`,
      `${a}.${b}.${c}[.]${d}`,
      `${a}(.)${b}(.)${c}(.)${d}`,
      `${a}.${b}.${c}.x`,
      `${a}.${b}.${c}.*`,
      `${a}.${b}.${c}/24`,
      `${d}.${c}.${b}.${a}.in-addr.arpa`,
      `${a}-${b}-${c}-${d}.dsl.isp.example`,
      `ip-${a}-${b}-${c}-${d}`,
      `host${a}.${b}.${c}.${d}`,
      fw(`${a}.${b}.${c}.${d}`),
      `${a}\u2024${b}\u2024${c}\u2024${d}`,
      `${a}．${b}．${c}．${d}`,
      `::ffff:${hex(a)}${hex(b)}:${hex(c)}${hex(d)}`,
      `64:ff9b::${hex(a)}${hex(b)}:${hex(c)}${hex(d)}`,
      `2002:${hex(a)}${hex(b)}:${hex(c)}${hex(d)}::1`,
      String(int),
      `0x${int.toString(16)}`,
      `0${int.toString(8)}`,
      `${a}.${b}.\n${c}.${d}`,
      `${a}.${b}.${c}.\n> ${d}`,
    ];
    const f = forms[style % forms.length]!;
    // A mailer's wrap can fall anywhere in a long line, even inside the address.
    return wrapAt > 0 && wrapAt < f.length && style % 3 === 0 && !f.includes('\n')
      ? `${f.slice(0, wrapAt)}\n${f.slice(wrapAt)}`
      : f;
  };
  const ours = fc
    .tuple(fc.constantFrom(0, 1), fc.integer({ min: 1, max: 254 }))
    .map(([n, d]) => (n ? [198, 51, 100, d] : [203, 0, 113, d]));
  const filler = fc.constantFrom('', 'src ', 'SRC=', '送信元は', 'inside:', '(', '「', 'x ', ' ');
  const tail = fc.constantFrom('', ' です。', ':5000', '/5000', ')', '」', '. ', ' scanning us');

  it('leaves nothing recoverable in the final bytes, for UTF-8 and ISO-2022-JP', async () => {
    await fc.assert(
      fc.asyncProperty(
        ours,
        fc.nat(40),
        fc.nat(20),
        filler,
        tail,
        fc.constantFrom('utf-8', 'iso-2022-jp'),
        async (o, style, wrapAt, pre, post, charset) => {
          const written = notation(o, style, wrapAt);
          // A subject has no line breaks of its own; an unfolded one keeps the blank of the fold.
          const subject = `[TLP:AMBER] Re: ${pre}${notation(o, style, 0)}${post}`.replace(/\n> |\n/g, ' ');
          const b = await gate().build(
            out({
              charset: charset as 'utf-8' | 'iso-2022-jp',
              subject,
              text: `各位\n${pre}${written}${post}\n-- \nx\n`,
            }),
          );
          expect(b.problems, written).toEqual([]);
          const parsed = await simpleParser(b.raw);
          const decoded = `${parsed.subject}\n${parsed.text}`;
          expect(new OwnNetworks(config.operator.networks).find(decoded), written).toEqual([]);
          expect(decoded.replace(/\s+/g, ''), written).not.toContain(`${o[0]}.${o[1]}.${o[2]}`);
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe('who counts as private', () => {
  it('never takes a list for a private address, even when it is also given as the review address', async () => {
    const careless = validateConfig({ ...config, review: { address: 'nsp@example.net', moderators: [] } });
    const b = await new OutboundGate(careless, memoryBook()).build(out({ text: 'at 198.51.100.50\n' }));
    expect(b.audience).toBe('list');
    expect(b.text).toContain('A.B.C.50');
  });
});
