import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { validateConfig } from '../src/config/load.ts';
import { createLogger } from '../src/log.ts';
import { Dispatcher } from '../src/mail/send.ts';
import type { DraftMessage } from '../src/model.ts';
import { compose, MAX_REFERENCES, type Outgoing } from '../src/outbound/compose.ts';
import { OutboundGate } from '../src/outbound/gate.ts';
import { memoryBook } from '../src/outbound/redact.ts';
import { openTestStore } from './helpers/store.ts';

const config = validateConfig({
  identity: { from: 'kansoku <kansoku@isp.example>' },
  operator: { networks: ['198.51.100.0/24', '203.0.113.0/24', '2001:db8:100::/48'], tlp: 'GREEN', alertAddress: 'soc@isp.example' },
  lists: [{ name: 'nsp', listId: 'nsp.example.net', address: 'nsp@example.net', defaultTlp: 'AMBER' }],
  review: { address: 'noc@isp.example', moderators: ['alice@isp.example'] },
  // Nothing listens there: a refusal must come before any connection.
  smtp: { host: '127.0.0.1', port: 9, security: 'none' },
});

const draft: DraftMessage = {
  kind: 'reply',
  messageId: '<kansoku.reply.0123456789abcdef01234567@isp.example>',
  from: 'kansoku <kansoku@isp.example>',
  to: 'nsp@example.net',
  subject: '[TLP:AMBER] Re: [nsp] tcp/5000 scans',
  inReplyTo: '<p1@example.org>',
  references: ['<p1@example.org>'],
  tlp: 'AMBER',
  text: '各位\n\n当方でも観測しています。\n\n-- \nExample ISP\n',
  sourceMessageId: '<p1@example.org>',
};

const out = (d: Partial<DraftMessage> & Partial<Outgoing> = {}): Outgoing => ({ ...draft, draftMessageId: draft.messageId, automatic: false, charset: 'utf-8', ...d });
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
    const first = await new OutboundGate(config, store.placeholders).build(out({ text: '203.0.113.9 then 198.51.100.7\n' }));
    const second = await new OutboundGate(config, store.placeholders).build(out({ text: '198.51.100.8 and 203.0.113.10\n' }));
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
    const alert = out({ kind: 'alert', to: 'soc@isp.example', text: 'our customer 203.0.113.77 scans others\n', automatic: true });
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
    expect(await check(out({ tlp: 'GREEN', subject: '[TLP:GREEN] x' }))).toMatch(/below this audience's floor TLP:AMBER/);
    expect(await check(out({ subject: 'Re: [TLP:CLEAR] x' }))).toMatch(/does not start with our tag/);
    expect(await check(out())).toBe('');
  });

  it('marks what goes without a person Auto-Submitted, and refuses it unmarked', async () => {
    const auto = (await compose(out({ automatic: true }))).toString('latin1');
    expect(auto).toMatch(/^Auto-Submitted: auto-generated\r$/m);
    expect((await compose(out())).toString('latin1')).not.toMatch(/^Auto-Submitted:/m);
    expect(await gate().check(await compose(out()), ['nsp@example.net'], { automatic: true })).toContain('sent without approval but not marked Auto-Submitted');
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
    const id = store.drafts.add({ ...draft, envelopeFrom: 'kansoku@isp.example', eml, emlPath: null, reviewToken: null }, 'kansoku');
    store.drafts.decide(id, 'approve', 'alice', null);
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
    const id = store.drafts.add({ ...draft, envelopeFrom: 'kansoku@isp.example', eml, emlPath: null, reviewToken: null }, 'kansoku');
    store.drafts.decide(id, 'approve', 'alice', null, new Date(Date.now() + 300_000).toISOString());
    const d = new Dispatcher(config, store, log);
    expect(await d.dispatch()).toMatchObject({ sent: 0, failed: 0, waiting: 1 });
    d.close();
    store.drafts.decide(id, 'reject', 'alice', 'changed my mind');
    expect(store.outbox.pending()).toEqual([]);
    expect(store.drafts.get(id).status).toBe('rejected');
  });
});
