/**
 * The matches of a global pattern in `s`, as `[...s.matchAll(re)]` gives them. matchAll copies the
 * pattern on every call, which cost more than the search itself in a short post, where extraction
 * runs a score of passes; this searches with `re` itself, from the start, and leaves it there.
 */
export function allMatches(s: string, re: RegExp): RegExpExecArray[] {
  if (!re.global) throw new TypeError(`allMatches needs a global pattern: ${re}`);
  const out: RegExpExecArray[] = [];
  re.lastIndex = 0;
  for (let m = re.exec(s); m; m = re.exec(s)) {
    out.push(m);
    // An empty match moves on by a character (a code point for a Unicode pattern), as matchAll does.
    if (m[0] === '') re.lastIndex += re.unicode && (s.codePointAt(re.lastIndex) ?? 0) > 0xffff ? 2 : 1;
  }
  return out;
}
