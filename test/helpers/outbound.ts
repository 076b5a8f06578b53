import { validateConfig } from '../../src/config/load.ts';
import type { DraftMessage } from '../../src/model.ts';
import type { Outgoing } from '../../src/outbound/compose.ts';

/** A deployment with two IPv4 /24s and an IPv6 /48 of its own, one list, and its own review people. */
export const config = validateConfig({
  identity: { from: 'kansoku <kansoku@isp.example>' },
  operator: {
    networks: ['198.51.100.0/24', '203.0.113.0/24', '2001:db8:100::/48'],
    tlp: 'GREEN',
    alertAddress: 'soc@isp.example',
  },
  lists: [{ name: 'nsp', listId: 'nsp.example.net', address: 'nsp@example.net', defaultTlp: 'AMBER' }],
  review: { address: 'noc@isp.example', moderators: ['alice@isp.example'] },
  // Nothing listens there: a refusal must come before any connection.
  smtp: { host: '127.0.0.1', port: 9, security: 'none' },
});

export const draft: DraftMessage = {
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

/** A reply to the list, as the gate is given it, with whatever the test changes. */
export const out = (d: Partial<DraftMessage> & Partial<Outgoing> = {}): Outgoing => ({
  ...draft,
  draftMessageId: draft.messageId,
  automatic: false,
  charset: 'utf-8',
  ...d,
});
