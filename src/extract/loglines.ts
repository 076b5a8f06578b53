import type { LogEvent } from '../model.ts';
import { isIpAddress } from './formats/common.ts';
import { formats, type LogFormat, type TimeContext } from './formats/registry.ts';

/** A record a mailer wrapped is joined back from at most this many lines. */
const MAX_RECORD_LINES = 8;

/** Header lines seen so far in one text or file, by format: they shape the lines that follow. */
export type Headers = Map<string, string[]>;

/** Reads one piece of text with the first format that can; `hint` is tried first (a file keeps one format). */
export function parseRecord(
  text: string,
  time: TimeContext,
  hint?: LogFormat,
  headers?: Headers,
): { event: LogEvent; format: LogFormat } | null {
  if (hint && hint.sniff(text)) {
    const e = hint.parse(text, time, headers?.get(hint.id) ?? null);
    if (e) return { event: markMasked(e), format: hint };
  }
  for (const f of formats) {
    if (f === hint || !f.sniff(text)) continue;
    const e = f.parse(text, time, headers?.get(f.id) ?? null);
    if (e) return { event: markMasked(e), format: f };
  }
  return null;
}

/** The formats driven by a header line: readHeader asks these of every line, not all formats. */
const withHeaders = formats.filter((f) => f.header);

/**
 * A header line of some header-driven formats: remembered in `headers` for each format that reads
 * it (a Shadowserver header is a CSV header too, and its rows may be either's), and not a record.
 */
export function readHeader(line: string, headers: Headers): boolean {
  let read = false;
  for (const f of withHeaders) {
    const cols = f.header?.(line);
    if (cols) {
      headers.set(f.id, cols);
      read = true;
    }
  }
  return read;
}

/** Flags addresses that are anonymised or defanged, which are kept exactly as written. */
function markMasked(e: LogEvent): LogEvent {
  const masked: Array<'src' | 'dst'> = [];
  if (e.src && !isIpAddress(e.src)) masked.push('src');
  if (e.dst && !isIpAddress(e.dst)) masked.push('dst');
  return masked.length ? { ...e, masked } : e;
}

const STARTS_WITH_TIME = new RegExp(
  String.raw`^\s*(?:<\d{1,3}>\s*)?(?:\d+\s+)?(?:[A-Z][a-z]{2}\s+\d{1,2}\s+(?:\d{4}\s+)?\d{2}:\d{2}:\d{2}` +
    String.raw`|\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}|\d{2}-\d{2}-\d{4}\s+\d{2}:\d{2}|\d{2}:\d{2}:\d{2}\.\d+\s` +
    // Snort/Suricata fast.log ("11/20/2026-09:00:12.25") and FortiGate ("date=2026-11-20 time=09:00:12").
    String.raw`|\d{2}\/\d{2}(?:\/\d{2,4})?-\d{2}:\d{2}:\d{2}|date=\d{4}-\d{2}-\d{2}\s+time=)`,
);

const HAS_DIGIT = /\d/;

/**
 * A line that begins a record: it starts with a timestamp or a format recognises it, or it opens
 * a JSON object, whose keys a mailer's wrap may have spread over the lines that follow.
 */

function startsRecord(line: string): boolean {
  // Every record holds a digit (an address, a time, a port): a third of a post's lines hold none,
  // and every format's sniff was run on each of them.
  // (A JSON record a mailer wrapped may leave its first line without one: '{"event_type":"alert",'.)
  if (/^\s*\{\s*"/.test(line)) return true;
  if (!HAS_DIGIT.test(line)) return false;
  if (STARTS_WITH_TIME.test(line)) return true;
  for (const f of formats) if (f.sniff(line)) return true;
  return false;
}

/** A word without a digit in it: a line of prose has one in its first few words. */
const WORD_WITHOUT_DIGIT = /(?<!\S)[^\s\d]+(?!\S)/;

/** A line of values only: every word holds a digit. */
function values(line: string): boolean {
  return /\S/.test(line) && !WORD_WITHOUT_DIGIT.test(line);
}

/** The characters of a piece of a wrapped header line: column names, no values. */
const HEADER_PIECE = /^[\sA-Za-z_.:-]+$/;

/**
 * Whether a text starts a record, asked once per text of a post: its attachments repeat lines (a
 * bank's 328 statements, a digest's quoted footers), and every format's sniff runs on each.
 */
export type StartsMemo = Map<string, boolean>;

function startsMemo(memo: StartsMemo, text: string): boolean {
  let v = memo.get(text);
  if (v === undefined) memo.set(text, (v = startsRecord(text)));
  return v;
}

/**
 * What findLogRecords asks of each line of a block, asked once: headerLines looks up to
 * MAX_RECORD_LINES lines ahead from every line, and the same lines then start records or not.
 */
class BlockLines {
  private readonly pieces: Array<boolean | undefined> = [];

  constructor(
    readonly lines: string[],
    private readonly memo: StartsMemo,
  ) {}

  startsRecord(k: number): boolean {
    return startsMemo(this.memo, this.lines[k]!);
  }

  /** A piece of a wrapped header line: column names, no values, and no record of its own. */
  headerPiece(k: number): boolean {
    return (this.pieces[k] ??= HEADER_PIECE.test(this.lines[k]!) && !this.startsRecord(k));
  }
}

/**
 * How many lines from `i` on make a header line (0: none), which is then remembered in `headers`.
 * A mailer wraps a long header too ("version vpc-id ... type" / "srcaddr dstaddr ..."): lines of
 * column names alone are joined while the whole still reads as a header.
 */
function headerLines(block: BlockLines, i: number, headers: Headers, maxLineChars: number): number {
  const { lines } = block;
  let text = '';
  let took = 0;
  for (let k = i; k < lines.length && k - i < MAX_RECORD_LINES && lines[k]!.length <= maxLineChars; k++) {
    const piece = block.headerPiece(k);
    if (k > i && !piece) break;
    text = k > i ? `${text} ${lines[k]!.trim()}` : lines[k]!;
    if (readHeader(text, headers)) took = k - i + 1;
    if (!piece) break;
  }
  return took;
}

/** A line that can only be the rest of a record: flags, numbers, KEY=value pairs, no prose. */
function continuation(line: string): boolean {
  return line
    .trim()
    .split(/\s+/)
    .every((t) => /^[A-Z0-9_.:\-[\]()/]+$/.test(t) || /^[A-Za-z_]+=\S*$/.test(t));
}

/**
 * A record read without its destination port, where its protocol has ports: a mailer's wrap cut
 * it before the port's field (a CSV row, an SRX structured record), so the next line may hold it.
 */
function incomplete(e: LogEvent): boolean {
  return e.dpt === null && e.dptText === undefined && e.proto !== 'icmp';
}

function sameRecord(a: LogEvent, b: LogEvent): boolean {
  return a.src === b.src && a.dst === b.dst && a.dpt === b.dpt && a.proto === b.proto && a.format === b.format;
}

/**
 * Finds the log records in blocks of unquoted lines. A record that a mailer wrapped over several
 * lines is joined again: lines are added while the record does not parse yet, and afterwards only
 * while they look like its tail (flags, KEY=value) and the record stays the same one.
 */
export function findLogRecords(
  blocks: string[][],
  time: TimeContext,
  maxLineChars: number,
  memo: StartsMemo = new Map(),
): { events: LogEvent[]; used: Set<string> } {
  const events: LogEvent[] = [];
  const used = new Set<string>();
  const headers: Headers = new Map();
  const parse = (t: string) => parseRecord(t, time, undefined, headers);
  for (const lines of blocks) {
    const block = new BlockLines(lines, memo);
    // A header is the log's once a record is read under it; until then it may be a table's
    // ("dport  proto  hits  uniq src" over rows of counts), and its lines stay the tables' and prose's.
    let header: string[] = [];
    let i = 0;
    while (i < lines.length) {
      const first = lines[i]!;
      const headerAt = headerLines(block, i, headers, maxLineChars);
      if (headerAt) {
        header = lines.slice(i, i + headerAt);
        i += headerAt;
        continue;
      }
      // A log file's own lines of metadata (Zeek's #types and #path, W3C's #Software) are no
      // records, and no record's first line either.
      if (/^\s*#[A-Za-z_]/.test(first)) {
        i++;
        continue;
      }
      // A wrap right after a record's first word ('"2021-03-07' + ' 00:00:00","tcp",...') leaves a
      // stub; a wrap before the word a format knows a record by leaves a line of values alone
      // ("3 vpc-0a1b subnet-2c3d" + "eni-4e5f ... ACCEPT OK"). Its line and the next are read
      // together only when the line alone starts no record.
      const starts =
        first.length <= maxLineChars &&
        (block.startsRecord(i) ||
          ((first.length < 24 || values(first)) &&
            i + 1 < lines.length &&
            startsMemo(memo, `${first} ${lines[i + 1]}`)));
      if (!starts) {
        i++;
        continue;
      }
      let text = first;
      let found = parse(text);
      let end = i;
      while (end + 1 < lines.length && end - i + 1 < MAX_RECORD_LINES) {
        const next = lines[end + 1]!;
        if (next.length > maxLineChars) break;
        if (found) {
          const cut = incomplete(found.event);
          // (a record of a source alone, a daemon's line about its client, takes no line of prose
          // after it: only one that looks like a record's tail)
          if (((!cut || found.event.dst === null) && !continuation(next)) || STARTS_WITH_TIME.test(next)) break;
          // A record that has no destination port of its own (a web server's access log) is not
          // cut before it when the next line is a whole record itself.
          if (cut && block.startsRecord(end + 1) && parse(next)) break;
          const longer = parse(`${text} ${next}`);
          if (!longer) break;
          // (a line cut before its port may read as a more general format's record, key=value's: the
          // longer record is the one a format earlier in the registry, more specific, reads)
          const same = cut
            ? longer.event.src === found.event.src &&
              (formats.indexOf(longer.format) <= formats.indexOf(found.format) || longer.event.dpt !== null)
            : sameRecord(found.event, longer.event);
          if (!same) break;
          text = `${text} ${next}`;
          found = longer;
        } else {
          if (STARTS_WITH_TIME.test(next)) break;
          // A wrap inside a token ("ID=1071" + "8 PROTO=...") is rarer than one at a space: try both.
          const spaced = `${text} ${next}`;
          const glued = `${text}${next}`;
          found = parse(spaced);
          text = spaced;
          if (!found) {
            const g = parse(glued);
            if (g) [found, text] = [g, glued];
          }
        }
        end++;
      }
      if (!found) {
        i++;
        continue;
      }
      const raw = lines.slice(i, end + 1).join('\n');
      events.push({ ...found.event, raw });
      for (const h of header) used.add(h);
      header = [];
      for (let k = i; k <= end; k++) used.add(lines[k]!);
      i = end + 1;
    }
  }
  return { events, used };
}
