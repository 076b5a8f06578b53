/**
 * What a reply's author wrote: its own lines, above the quoted message and the "... wrote:" line
 * that introduces it. Phrases inside the quote are the other side's words and never count.
 */
export function ownText(text: string): string {
  const out: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    if (/^\s*>/.test(line)) continue;
    if (
      /wrote:\s*$|のメール:\s*$|書きました[:：]?\s*$|^-{3,}\s*(Original Message|Forwarded message|下書き|元のメッセージ)|^From: .+@/i.test(
        line,
      )
    ) {
      // "On Fri, 20 Nov 2026 10:15 +0900" often stands on the line before "Name <addr> wrote:".
      if (out.length && /^\s*(On|20\d\d[年/-])\s?/.test(out[out.length - 1]!)) out.pop();
      break;
    }
    out.push(line);
  }
  return out.join('\n').trim();
}

/** "Re:" (or its German, Nordic and Japanese forms) at the start of a subject: a reply in a thread. */
const REPLY_MARK = /^\s*(re|aw|sv|返信)\s*[:：]\s*/i;

export function isReplySubject(subject: string): boolean {
  return REPLY_MARK.test(subject);
}

export function withoutRe(subject: string): string {
  return subject.replace(REPLY_MARK, '');
}
