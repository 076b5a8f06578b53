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
    signature: null,
    ...over,
  };
}

export function report(text: string, over: Partial<Post> = {}) {
  return extractReport(post(text, over), { zone: 'UTC', maxScanChars: 512 * 1024, maxLineChars: 4096 });
}

export function portsOf(text: string, subject = ''): string[] {
  return report(text, { subject }).ports.map((p) => `${p.proto ?? '?'}/${p.port}`);
}

/** A post to the test list as raw bytes: the given headers over a List-Id and a Date, then the body. */
export function listMail(h: Record<string, string>, body: string): Buffer {
  return Buffer.from(
    `${Object.entries({ 'List-Id': '<nsp.example.net>', Date: 'Fri, 20 Nov 2026 11:00:00 +0900', ...h })
      .map(([k, v]) => `${k}: ${v}`)
      .join('\r\n')}\r\n\r\n${body}`,
  );
}

/**
 * Two reports of one tcp/5000 event, one before and one after the rise that `risingSensor`
 * (helpers/sensor.ts) logs, so that our verdict on the event changes between them.
 */
export function beforeAndAfterRise(laterBody: string): { early: Buffer; later: Buffer } {
  const early = listMail(
    {
      From: 'x@reporter.example',
      Subject: '[nsp] tcp/5000 probes',
      'Message-ID': '<early@reporter.example>',
      Date: 'Thu, 19 Nov 2026 20:00:00 +0900',
    },
    'tcp/5000 probes, a few.',
  );
  const later = listMail(
    {
      From: 'y@other.example',
      Subject: '[nsp] tcp/5000 is up now',
      'Message-ID': '<later@other.example>',
      Date: 'Fri, 20 Nov 2026 21:30:00 +0900',
    },
    laterBody,
  );
  return { early, later };
}
