import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/config/load.ts';
import { kinds } from '../../src/draft/kinds.ts';
import { OwnNetworks } from '../../src/extract/notations.ts';
import { OutboundGate } from '../../src/outbound/gate.ts';
import { memoryBook } from '../../src/outbound/redact.ts';
import { post, report } from '../helpers/post.ts';

const config = validateConfig({
  identity: { from: 'Ops <kansoku@isp.example>', nameJa: 'テストISP運用チーム', nameEn: 'Test ISP ops' },
  operator: { networks: ['198.51.100.0/24'], tlp: 'GREEN', alertAddress: 'soc@isp.example' },
  lists: [
    { name: 'nsp-sec-jp', listId: 'nsp-sec-jp.example.net', address: 'nsp-sec-jp@example.net', defaultTlp: 'AMBER' },
  ],
  review: { address: 'review@isp.example', moderators: ['alice@isp.example'], sendDelaySeconds: 300 },
});
const gate = () => new OutboundGate(config, memoryBook());

describe('the private alert', () => {
  it('tells our own people, unredacted, which lines of the post name our networks', async () => {
    const text = 'tcp/5000 scans from 198.51.100.7 and 203.0.113.9\nnothing of ours here\n';
    const p = post(text, { subject: '[nsp-sec-jp] tcp/5000', messageId: '<a1@example.org>' });
    const d = kinds.alert.render({
      post: p,
      report: report(text, p),
      addresses: ['198.51.100.7'],
      networks: new OwnNetworks(config.operator.networks),
      config,
    });
    expect(d.kind).toBe('alert');
    expect(d.to).toBe('soc@isp.example');
    expect(d.subject).toBe(
      '[TLP:AMBER] [kansoku alert] 当社アドレスが投稿に記載 / Our addresses named on nsp-sec-jp: 198.51.100.7',
    );
    expect(d.text).toContain('　tcp/5000 scans from 198.51.100.7 and 203.0.113.9');
    expect(d.text).not.toContain('nothing of ours');
    const b = await gate().build({ ...d, draftMessageId: d.messageId, automatic: true, charset: 'utf-8' });
    expect(b.audience).toBe('private');
    expect(b.problems).toEqual([]);
    expect(b.text).toContain('198.51.100.7');
  });
});

describe('the review request', () => {
  const draft = {
    messageId: '<kansoku.reply.abc@isp.example>',
    subject: '[TLP:AMBER] Re: tcp/5000',
    text: 'nsp-sec-jp各位、\n\n下書き本文\n',
    tlp: 'AMBER' as const,
    to: 'nsp-sec-jp@example.net',
  };

  it('asks the moderators in both languages, says how long an approval waits, and carries the draft', async () => {
    const r = kinds.review.render({ draft, token: 'KS-ABCDEFGHJK', config });
    expect(r.to).toBe('review@isp.example');
    expect(r.subject).toBe('[kansoku review] KS-ABCDEFGHJK [TLP:AMBER] Re: tcp/5000');
    const [ja, rest] = r.text.split(`\n${'-'.repeat(60)}\n`);
    expect(ja).toContain('以下の下書きの確認をお願いします（宛先：nsp-sec-jp@example.net、TLP:AMBER）。');
    expect(ja).toContain('承認後300秒間は送信されません。');
    expect(rest).toContain('Please review the draft below (to nsp-sec-jp@example.net, TLP:AMBER).');
    expect(rest).toContain('An approved draft waits 300 seconds');
    expect(rest).toContain('----- 下書き / draft -----\nnsp-sec-jp各位、\n\n下書き本文\n');
    const b = await gate().build(r);
    expect(b.audience).toBe('private');
    expect(b.problems).toEqual([]);
  });

  it('says nothing of a wait when approved drafts go at once', () => {
    const now = validateConfig({ ...config, review: { ...config.review, sendDelaySeconds: 0 }, draft: {} });
    const r = kinds.review.render({ draft, token: 'KS-ABCDEFGHJK', config: now });
    expect(r.text).not.toMatch(/承認後|waits/);
  });
});

describe('the note to a moderator whose mail decided nothing', () => {
  it('says why in both languages, in the moderator’s thread, as an automatic answer', async () => {
    const p = post('ok', {
      from: { address: 'alice@isp.example', name: 'Alice' },
      subject: 'Re: [kansoku review] KS-ABCDEFGHJK draft',
      messageId: '<m1@isp.example>',
      listId: null,
    });
    const reason = 'no approve or reject at the start of the reply';
    const n = kinds.note.render({ post: p, to: 'alice@isp.example', reason, tlp: 'AMBER', config });
    expect(n.subject).toBe('Re: [kansoku review] KS-ABCDEFGHJK draft');
    expect(n.inReplyTo).toBe('<m1@isp.example>');
    expect(n.text).toContain(`理由：${reason}`);
    expect(n.text).toContain(`Reason: ${reason}`);
    expect(n.text.indexOf('理由：')).toBeLessThan(n.text.indexOf('Reason:'));
    expect(n.headers).toEqual({ 'Auto-Submitted': 'auto-replied' });
    const b = await gate().build(n);
    expect(b.problems).toEqual([]);
  });
});
