import { decodeHTML } from 'entities';
import { compile } from 'html-to-text';
import type { Limits } from '../config/schema.ts';

/** Elements that never hold others, so never add to the depth (the HTML standard's void elements). */
const VOID = new Set([
  'area',
  'base',
  'basefont',
  'bgsound',
  'br',
  'col',
  'embed',
  'frame',
  'hr',
  'img',
  'input',
  'keygen',
  'link',
  'meta',
  'param',
  'source',
  'track',
  'wbr',
]);

/**
 * Whether the elements of `html` nest deeper than `max`, read from its tags without building a
 * tree. It errs deep, never shallow: a close tag only closes an element that is open (htmlparser2
 * ignores the others), and elements HTML closes by themselves (an unclosed <p>) stay counted.
 * Linear: each open element is popped at most once, and a name is looked up in a count, not
 * searched for in the stack.
 */
export function nestsDeeperThan(html: string, max: number): boolean {
  const stack: string[] = [];
  const open = new Map<string, number>();
  for (const m of html.matchAll(/<(\/?)([a-z][^\s/>]*)/gi)) {
    const name = m[2]!.toLowerCase();
    if (!m[1]) {
      if (VOID.has(name)) continue;
      stack.push(name);
      open.set(name, (open.get(name) ?? 0) + 1);
      if (stack.length > max) return true;
    } else if (open.get(name)) {
      for (let top = stack.pop(); top !== undefined; top = stack.pop()) {
        open.set(top, open.get(top)! - 1);
        if (top === name) break;
      }
    }
  }
  return false;
}

/**
 * The words of HTML without its layout, in one linear pass: style and script bodies dropped,
 * block ends as line breaks (so that log lines stay lines), table cells apart, other tags removed,
 * entities decoded as a browser decodes them (the `entities` package, which html-to-text's parser
 * uses too); a "<" that starts no tag ("a < b") is text. `[^<>]*` rather than `[^>]*`: a run of "<"
 * without ">" would make the latter rescan the rest of the text from every "<".
 */
export function stripTags(html: string): string {
  const opening = /<(script|style)\b/gi;
  let kept = '';
  let at = 0;
  for (let m = opening.exec(html); m; m = opening.exec(html)) {
    kept += html.slice(at, m.index);
    const closing = m[1]!.toLowerCase() === 'style' ? /<\/style/gi : /<\/script/gi;
    closing.lastIndex = m.index;
    // An unclosed style or script runs to the end, as a browser reads it.
    at = closing.exec(html)?.index ?? html.length;
    opening.lastIndex = at;
  }
  kept += html.slice(at);
  return decodeHTML(
    kept
      .replace(/<(?:br|\/(?:p|div|tr|li|h[1-6]|table|pre|blockquote))\b[^<>]*>/gi, '\n')
      // "192.0.2.</td><td>5" is two cells, not the address 192.0.2.5.
      .replace(/<\/t[dh]\b[^<>]*>/gi, ' ')
      .replace(/<[a-z/!?][^<>]*>/gi, ''),
  );
}

/**
 * html-to-text's `convert` compiles its options into a converter on every call, which took longer
 * than converting a short post: compiled once, when the first HTML is read.
 */
let layOut: ((html: string) => string) | undefined;

/**
 * HTML as text: laid out by html-to-text within limits.maxHtmlBytes and limits.maxHtmlDepth, and
 * beyond them stripped of its tags, with a warning; the text is read either way.
 */
export function htmlText(
  html: string,
  limits: Pick<Limits, 'maxHtmlBytes' | 'maxHtmlDepth'>,
  what: string,
  warnings: string[],
): string {
  const bytes = Buffer.byteLength(html);
  const over =
    bytes > limits.maxHtmlBytes
      ? `${bytes} bytes, over limits.maxHtmlBytes (${limits.maxHtmlBytes})`
      : nestsDeeperThan(html, limits.maxHtmlDepth)
        ? `nested deeper than limits.maxHtmlDepth (${limits.maxHtmlDepth})`
        : null;
  if (over) {
    warnings.push(`${what}: HTML ${over}; read with its tags stripped, without layout`);
    return stripTags(html);
  }
  // A table laid out as one, its columns apart: html-to-text's default writes a table's cells
  // one after another with nothing between them ("1" and "22/TCP" made "122/TCP").
  layOut ??= compile({
    wordwrap: false,
    selectors: [
      { selector: 'img', format: 'skip' },
      // A cell wider than this is wrapped inside its column: every row is padded to the widest.
      { selector: 'table', format: 'dataTable', options: { maxColumnWidth: 160 } },
    ],
  });
  const text = layOut(html);
  // Laid-out tables pad every row to their widest cells: text many times the HTML is no post's.
  if (text.length > LAYOUT_GROWTH * html.length) {
    warnings.push(
      `${what}: HTML laid out to ${text.length} characters from ${html.length}; read with its tags stripped`,
    );
    return stripTags(html);
  }
  return text;
}

/** How many times its HTML laid-out text may be before it is read stripped instead. */
const LAYOUT_GROWTH = 4;
