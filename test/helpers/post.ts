import type { Post } from '../../src/model.ts';
import { extractReport } from '../../src/extract/report.ts';

export function post(text: string, over: Partial<Post> = {}): Post {
  return {
    messageId: '<test@example.net>',
    messageIdSynthetic: false,
    inReplyTo: null,
    references: [],
    listId: 'nsp-sec-jp.example.net',
    from: { address: 'member@example.org', name: 'Member' },
    date: '2026-11-20T01:00:00.000Z',
    subject: '',
    text,
    attachments: [],
    auto: { autoSubmitted: null, precedence: null, returnPathEmpty: false, isBounce: false },
    headers: {},
    authResults: [],
    warnings: [],
    ...over,
  };
}

export function report(text: string, over: Partial<Post> = {}) {
  return extractReport(post(text, over), { zone: 'UTC', maxScanChars: 512 * 1024, maxLineChars: 4096 });
}

export function portsOf(text: string, subject = ''): string[] {
  return report(text, { subject }).ports.map((p) => `${p.proto ?? '?'}/${p.port}`);
}
