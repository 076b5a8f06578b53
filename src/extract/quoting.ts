import { quoteHeaderAt } from '../mail/reply-text.ts';

/** One line of a post with its quote depth removed. */
export interface BodyLine {
  text: string;
  depth: number;
}

const QUOTE = /^[ \t]{0,3}((?:>[ \t]?)+)/;
const ORIGINAL = /^\s*-{3,}\s*(?:Original Message|元のメッセージ)\s*-{3,}\s*$/i;

/**
 * Removes `> `, `>> ` and `> > ` quoting and remembers how deep each line was quoted, so that a
 * change of depth still separates two blocks. A message quoted in full under a header block
 * ("-----Original Message-----", or Outlook's From:/Sent:/To:/Subject:) is quoted one deeper too,
 * from that block on: the words of the post a top-poster answers.
 */
export function unquote(text: string): BodyLine[] {
  const lines = text.split(/\r?\n|\r/);
  let below = 0;
  return lines.map((line, i) => {
    const m = QUOTE.exec(line);
    if (!m && !below && (ORIGINAL.test(line) || quoteHeaderAt(lines, i))) below = 1;
    if (!m) return { text: line.trimEnd(), depth: below };
    const depth = (m[1]!.match(/>/g) ?? []).length + below;
    return { text: line.slice(m[0].length).trimEnd(), depth };
  });
}

/** Consecutive non-blank lines at one quote depth: where a wrapped record can continue. */
export interface Block {
  lines: string[];
  /** How deep its lines are quoted: 0 for the poster's own words. */
  depth: number;
}

export function blocks(lines: BodyLine[]): Block[] {
  const out: Block[] = [];
  let cur: string[] = [];
  let depth = -1;
  for (const l of lines) {
    const blank = l.text.trim() === '';
    if (blank || l.depth !== depth) {
      if (cur.length) out.push({ lines: cur, depth });
      cur = [];
      depth = l.depth;
    }
    if (!blank) cur.push(l.text);
  }
  if (cur.length) out.push({ lines: cur, depth });
  return out;
}

const CJK = /[\u3000-\u30ff\u3400-\u9fff\uff00-\uffef]/;
/**
 * Three cells or more apart by runs of blanks: a row of an aligned table. An ideographic space is
 * as wide as two (「１位\u3000２３／ＴＣＰ\u3000\u3000３１．２％」), though one between words is
 * only a Japanese writer's spacing: one gap of a row is wider (WIDE_GAP).
 */
const COLUMNS = /\S(?: {2,}|[\t\u3000])[ \t\u3000]*\S+(?: {2,}|[\t\u3000])[ \t\u3000]*\S/;
const WIDE_GAP = / {2,}|\t|\u3000[ \u3000]/;

/** What opens an item of a list: a bullet, a dash or a number. */
const BULLET = /^(?:[・•●○◆◇■□▪▶►※*]|[-–](?=\s)|\d{1,2}[.)](?=\s)|[(（]\d{1,2}[)）]|[(（【]?[誤正][)）】:：])/;
/** An item that names no more than a port or two ("- 22/tcp", "* 23/tcp (telnet)"): the line before speaks of it. */
const BARE_ITEM = new RegExp(String.raw`${BULLET.source}\s*[\w/ ().,-]{0,24}$`);
/** Where a sentence ends. */
const SENTENCE_END = /[。.!?！？]$/;

/**
 * Joins the lines of a block of prose as a reader would: a mailer's wrap inside Japanese text
 * adds no space, inside English text it stands for one.
 */
export function joinProse(lines: string[]): string {
  // Pieces joined once at the end: reading the last character of a growing string flattens it
  // on every line, which took 15 s for a 500 KB post.
  const parts: string[] = [];
  let last = '';
  let row = false;
  // (whether the line before is an item of a list that says something of its own)
  let said = false;
  for (const raw of lines) {
    const l = raw.trim();
    if (!l && !parts.length) continue;
    // A row of a table laid out in columns is no wrapped sentence: it ends where its line does
    // (a row's "flat" is not the next row's port's).
    const columns = COLUMNS.test(l) && WIDE_GAP.test(l);
    // So does an item of a list after one that says something of its own, or after a sentence:
    // 「・パケット数は約6倍」 is not the next item's 「・9530/TCP は増加は見られていません」. Items that name
    // only ports go on the line before ("Nothing unusual on" / "* 23/tcp" / "* 2323/tcp"), and so does a
    // number a mailer wrapped to the start of a line ("against port" / "23. Sources are mostly CPE").
    const item = BULLET.test(l) && (said || SENTENCE_END.test(last));
    if (parts.length) parts.push(row || columns || item ? '\n' : CJK.test(last) && CJK.test(l[0] ?? '') ? '' : ' ');
    parts.push(l);
    if (l) last = l.at(-1)!;
    row = columns;
    said = BULLET.test(l) && !BARE_ITEM.test(l);
  }
  return parts.join('');
}
