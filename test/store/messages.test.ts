import { describe, expect, it } from 'vitest';
import type { Decision } from '../../src/model.ts';
import { openTestStore } from '../helpers/store.ts';

const decision: Decision = {
  outcome: 'no-data',
  summary: 'no sensor data for any reported port',
  steps: [
    { step: 'admit', result: 'pass', code: 'new', text: 'a new message from a person' },
    { step: 'decide', result: 'stop', code: 'no-data', text: 'no sensor data', data: { ports: [6585] } },
  ],
  drafts: [],
};

describe('the message store', () => {
  it('keeps the Decision with the message and gives it back whole', () => {
    const store = openTestStore();
    store.messages.add({
      messageId: '<m1@x.example>',
      origin: 'test',
      subject: 'tcp/6585',
      fromAddr: 'a@x.example',
      listId: 'nsp.example.net',
      sentAt: '2026-11-20T01:00:00Z',
      status: 'processed',
      reason: decision.summary,
      report: null,
      findings: null,
      decision,
    });
    expect(store.messages.get('<m1@x.example>')).toMatchObject({ status: 'processed', decision });
    store.messages.setDecision('<m1@x.example>', { ...decision, drafts: [7] });
    expect(store.messages.get('<m1@x.example>')?.decision?.drafts).toEqual([7]);
    expect(store.messages.get('<unknown@x.example>')).toBeNull();
  });

  it('counts failures per origin until the message gets through', () => {
    const store = openTestStore();
    expect(store.messages.failed('imap:a/INBOX#1:7', 'boom')).toBe(1);
    expect(store.messages.failed('imap:a/INBOX#1:7', 'boom again')).toBe(2);
    expect(store.messages.failed('imap:a/INBOX#1:8', 'other')).toBe(1);
    store.messages.recovered('imap:a/INBOX#1:7');
    expect(store.messages.failed('imap:a/INBOX#1:7', 'new')).toBe(1);
  });
});
