import type { EventRow, Finding, Post, Proto, Report, Verdict } from '../model.ts';
import type { Store } from '../store/index.ts';
import { isReplySubject, REPLY_WORD } from '../mail/reply-text.ts';
import { addHours } from '../time.ts';

export interface VerdictChange {
  event: EventRow;
  from: Verdict;
  to: Verdict;
}

/** One "Re:", "Fwd:" (転送) or list tag at the start of a subject. */
const LEADING_MARK = new RegExp(
  String.raw`^(?:${REPLY_WORD}|(?:fwd?|転送)(?:\s*\[\d+\])?\s*[:：]|\[[^\]]{1,40}\])`,
  'i',
);

/** Subject without "Re:", list tags and TLP labels: what a thread's posts share. */
export function threadSubject(subject: string): string {
  let s = subject;
  for (;;) {
    const t = s.trimStart().replace(LEADING_MARK, '');
    if (t === s) break;
    s = t;
  }
  return s.replace(/\s+/g, ' ').trim().toLowerCase();
}

/**
 * The events a reply belongs to: those of the messages it names in In-Reply-To and References,
 * or, when it names none we know, those of an earlier post with the same thread subject.
 */
export function eventsOfThread(post: Post, store: Pick<Store, 'events'>, windowHours: number): EventRow[] {
  const refs = [...new Set([...(post.inReplyTo ? [post.inReplyTo] : []), ...post.references])];
  const byRef = store.events.byMessages(refs);
  if (byRef.length || !isReplySubject(post.subject)) return byRef;
  const subject = threadSubject(post.subject);
  if (!subject) return [];
  const at = post.date ?? new Date().toISOString();
  const from = addHours(at, -windowHours);
  return store.events
    .list()
    .filter((e) => e.subject !== null && threadSubject(e.subject) === subject && e.lastSeen >= from);
}

/**
 * Attaches a post's port claims to events: one per (proto, port) and time window, so that many
 * posts about one incident share a record. Returns the events with the post's finding on each, and
 * any change of our verdict.
 */
export function attachToEvents(
  post: Post,
  report: Report,
  findings: Finding[] | null,
  role: 'report' | 'reply',
  store: Pick<Store, 'events'>,
  windowHours: number,
): { events: Array<{ event: EventRow; finding: Finding | null }>; changes: VerdictChange[] } {
  const at = post.date ?? new Date().toISOString();
  const events: Array<{ event: EventRow; finding: Finding | null }> = [];
  const changes: VerdictChange[] = [];
  const seen = new Set<string>();
  for (const claim of report.ports) {
    const finding =
      findings?.find((f) => f.port === claim.port && (claim.proto === null || f.proto === claim.proto)) ?? null;
    const proto: Proto = claim.proto ?? finding?.proto ?? 'tcp';
    const key = `${proto}/${claim.port}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const event =
      store.events.findOpen(proto, claim.port, at, windowHours) ??
      store.events.create(proto, claim.port, at, post.messageId, post.subject);
    // Only the newest post on the event moves our verdict: an older one, arriving late, says
    // nothing about now.
    const newest = at >= event.lastSeen;
    store.events.link(event.id, post.messageId, role, at, finding);
    if (finding && finding.verdict !== 'no-data' && newest) {
      if (event.lastVerdict && event.lastVerdict !== finding.verdict)
        changes.push({ event, from: event.lastVerdict, to: finding.verdict });
      store.events.setVerdict(event.id, finding.verdict);
    }
    events.push({ event, finding });
  }
  return { events, changes };
}
