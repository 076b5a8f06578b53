import type { LogEvent } from '../model.ts';
import { formats, type LogFormat, type TimeContext } from './formats/registry.ts';

/** A record a mailer wrapped is joined back from at most this many lines. */
const MAX_RECORD_LINES = 8;

/** Reads one piece of text with the first format that can; `hint` is tried first (a file keeps one format). */
export function parseRecord(text: string, time: TimeContext, hint?: LogFormat): { event: LogEvent; format: LogFormat } | null {
  if (hint && hint.sniff(text)) {
    const e = hint.parse(text, time);
    if (e) return { event: e, format: hint };
  }
  for (const f of formats) {
    if (f === hint || !f.sniff(text)) continue;
    const e = f.parse(text, time);
    if (e) return { event: e, format: f };
  }
  return null;
}

const STARTS_WITH_TIME =
  /^\s*(?:<\d{1,3}>)?\s*(?:\d+\s+)?(?:[A-Z][a-z]{2}\s+\d{1,2}\s+(?:\d{4}\s+)?\d{2}:\d{2}:\d{2}|\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}|\d{2}-\d{2}-\d{4}\s+\d{2}:\d{2}|\d{2}:\d{2}:\d{2}\.\d+\s)/;

/** A line that begins a record: it starts with a timestamp or a format recognises it. */
function startsRecord(line: string): boolean {
  return STARTS_WITH_TIME.test(line) || formats.some((f) => f.sniff(line));
}

/** A line that can only be the rest of a record: flags, numbers, KEY=value pairs, no prose. */
function continuation(line: string): boolean {
  return line
    .trim()
    .split(/\s+/)
    .every((t) => /^[A-Z0-9_.:\-\[\]()\/]+$/.test(t) || /^[A-Za-z_]+=\S*$/.test(t));
}

function sameRecord(a: LogEvent, b: LogEvent): boolean {
  return a.src === b.src && a.dst === b.dst && a.dpt === b.dpt && a.proto === b.proto && a.format === b.format;
}

/**
 * Finds the log records in blocks of unquoted lines. A record that a mailer wrapped over several
 * lines is joined again: lines are added while the record does not parse yet, and afterwards only
 * while they look like its tail (flags, KEY=value) and the record stays the same one.
 */
export function findLogRecords(blocks: string[][], time: TimeContext, maxLineChars: number): { events: LogEvent[]; used: Set<string> } {
  const events: LogEvent[] = [];
  const used = new Set<string>();
  for (const lines of blocks) {
    let i = 0;
    while (i < lines.length) {
      const first = lines[i]!;
      if (first.length > maxLineChars || !startsRecord(first)) {
        i++;
        continue;
      }
      let text = first;
      let found = parseRecord(text, time);
      let end = i;
      while (end + 1 < lines.length && end - i + 1 < MAX_RECORD_LINES) {
        const next = lines[end + 1]!;
        if (next.length > maxLineChars) break;
        if (found) {
          if (!continuation(next) || STARTS_WITH_TIME.test(next)) break;
          const longer = parseRecord(`${text} ${next}`, time);
          if (!longer || !sameRecord(found.event, longer.event)) break;
          text = `${text} ${next}`;
          found = longer;
        } else {
          if (STARTS_WITH_TIME.test(next)) break;
          // A wrap inside a token ("ID=1071" + "8 PROTO=...") is rarer than one at a space: try both.
          const spaced = `${text} ${next}`;
          const glued = `${text}${next}`;
          found = parseRecord(spaced, time);
          text = spaced;
          if (!found) {
            const g = parseRecord(glued, time);
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
      for (let k = i; k <= end; k++) used.add(lines[k]!);
      i = end + 1;
    }
  }
  return { events, used };
}
