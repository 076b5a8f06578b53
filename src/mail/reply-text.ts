/**
 * A line that introduces the quoted message: "... wrote:", 「…のメール:」, a forwarding rule,
 * 「2026年11月20日(金) 10:15 佐藤 <sato@example.jp>:」, or "From: Name <addr>".
 */
const QUOTE_HEADER = new RegExp(
  String.raw`wrote:\s*$|のメール:\s*$|書きました[:：]?\s*$|^-{3,}\s*(Original Message|Forwarded message|下書き|元のメッセージ)` +
    String.raw`|^From: .+@|<[^<>\s]+@[^<>\s]+>\s*[:：]\s*$`,
  'i',
);
/** A quoted line: "> ", full-width 「＞」, or "| ". */
const QUOTED = /^\s*[>＞|]/;
/** The header of a "> " quote, below which a bottom-poster writes. */
const WROTE = /wrote:\s*$|のメール:\s*$|書きました[:：]?\s*$|<[^<>\s]+@[^<>\s]+>\s*[:：]\s*$/i;
/** Outlook's header block, in English or Japanese: "From:"/「差出人:」, then "Sent:"/「送信日時:」 and the rest. */
const HEADER_FIRST = /^\s*(?:From|差出人|送信者)\s*[:：]/i;
const HEADER_NEXT = /^\s*(?:Sent|Date|To|Cc|Subject|送信日時|日時|宛先|件名|CC)\s*[:：]/i;

/** Line i opens the header block a mailer puts over the message it quotes in full (Outlook's, or a reply's). */
export function quoteHeaderAt(lines: readonly string[], i: number): boolean {
  return HEADER_FIRST.test(lines[i]!) && lines.slice(i + 1, i + 4).some((l) => HEADER_NEXT.test(l));
}

/**
 * What a reply's author wrote: its own lines, above the quoted message and the "... wrote:" line
 * that introduces it. Phrases inside the quote are the other side's words and never count.
 */
export function ownText(text: string): string {
  const out: string[] = [];
  const lines = text.split(/\r?\n/);
  for (const [i, line] of lines.entries()) {
    if (QUOTED.test(line)) continue;
    const outlook = quoteHeaderAt(lines, i);
    if (QUOTE_HEADER.test(line) || outlook) {
      // Written below a "> " quote ("bottom-posting"): the author's words follow it.
      const next = lines.slice(i + 1).find((l) => l.trim());
      if (!outlook && !out.join('').trim() && WROTE.test(line) && next !== undefined && QUOTED.test(next)) {
        out.length = 0;
        continue;
      }
      // "On Fri, 20 Nov 2026 10:15 +0900" often stands on the line before "Name <addr> wrote:".
      if (out.length && /^\s*(On|20\d\d[年/-])\s?/.test(out[out.length - 1]!)) out.pop();
      break;
    }
    out.push(line);
  }
  return out.join('\n').trim();
}

/** "Re:" and its German, Nordic and Japanese forms, with a mailer's count ("Re[2]:"). */
export const REPLY_WORD = String.raw`(?:re|aw|sv|返信)(?:\s*\[\d+\])?\s*[:：]`;
const REPLY_MARK = new RegExp(String.raw`^\s*${REPLY_WORD}\s*`, 'i');
/** List tags come before "Re:" when a list adds its tag to every post: "[nsp-sec] Re: ...". */
const TAGGED_REPLY = new RegExp(String.raw`^\s*(?:\[[^\]\n]{1,40}\]\s*)*${REPLY_WORD}`, 'i');

/** A reply in a thread: "Re:" at the start of its subject, after any list tags. */
export function isReplySubject(subject: string): boolean {
  return TAGGED_REPLY.test(subject);
}

export function withoutRe(subject: string): string {
  return subject.replace(REPLY_MARK, '');
}
