import ipaddr from 'ipaddr.js';
import { INVISIBLE_CHARS } from './unicode.ts';

type Addr = ipaddr.IPv4 | ipaddr.IPv6;

export interface NetworkMatch {
  /** Span in the ORIGINAL text given to find(): text.slice(start, end) is what to replace. */
  start: number;
  end: number;
  /**
   * What was found, canonical: '198.51.100.50', '2001:db8:100::25', or a prefix '198.51.100.0/24' /
   * '2001:db8:100::/48' for partial forms.
   */
  value: string;
  family: 4 | 6;
  /**
   * The placeholder key: the /24 ('198.51.100') for IPv4, the /64 (first four groups, e.g.
   * '2001:db8:100:0') for IPv6.
   */
  net: string;
  /**
   * The host part: last octet as decimal string for IPv4 ('50'), last 16-bit group in hex for IPv6
   * ('25'); null for a partial (prefix) form.
   */
  host: string | null;
  /** True when the text wrote the octets in reverse order (in-addr.arpa, reversed host names) or nibbles (ip6.arpa). */
  reversed: boolean;
}

type Found = Omit<NetworkMatch, 'start' | 'end'>;

/**
 * A rewritten copy of some text that remembers, for every UTF-16 unit, which span of the original
 * text it stands for, so a match in the copy can be handed back in original coordinates.
 */
interface Mapped {
  text: string;
  units: Uint16Array;
  from: Int32Array;
  to: Int32Array;
}

function identity(text: string): Mapped {
  const units = new Uint16Array(text.length);
  const from = new Int32Array(text.length);
  const to = new Int32Array(text.length);
  for (let i = 0; i < text.length; i++) {
    units[i] = text.charCodeAt(i);
    from[i] = i;
    to[i] = i + 1;
  }
  return { text, units, from, to };
}

const utf16 = new TextDecoder('utf-16le');

/**
 * Writes a rewrite of `src` into typed arrays, since 1 MB of Japanese text means hundreds of
 * thousands of one-unit edits. Every rewrite here only shortens the text, so the arrays are
 * allocated once at the source's length, and only when something actually changes.
 */
class Builder {
  private n = 0;
  /** Length of the untouched start of the source, before the first change. */
  private same = 0;
  private out: { units: Uint16Array; from: Int32Array; to: Int32Array } | null = null;

  /** `room`: how many output units one source unit may become at most (a fold like ⒏ to "8."). */
  constructor(
    private readonly src: Mapped,
    private readonly room = 1,
  ) {}

  copy(i: number, j: number): void {
    if (j <= i) return;
    if (this.out === null && i === this.same) {
      this.same = j;
      return;
    }
    const o = this.open();
    const { units, from, to } = this.src;
    // Most stretches between edits are short, and a loop beats making three subarray views.
    for (let k = i; k < j; k++, this.n++) {
      o.units[this.n] = units[k]!;
      o.from[this.n] = from[k]!;
      o.to[this.n] = to[k]!;
    }
  }

  /** Units standing for the source units i..j-1 (one, except where a fold writes more). */
  put(units: string, i: number, j: number): void {
    const o = this.open();
    for (let k = 0; k < units.length; k++, this.n++) {
      o.units[this.n] = units.charCodeAt(k);
      o.from[this.n] = this.src.from[i]!;
      o.to[this.n] = this.src.to[j - 1]!;
    }
  }

  private open(): { units: Uint16Array; from: Int32Array; to: Int32Array } {
    if (this.out === null) {
      const len = this.src.units.length * this.room;
      this.out = { units: new Uint16Array(len), from: new Int32Array(len), to: new Int32Array(len) };
      this.out.units.set(this.src.units.subarray(0, this.same));
      this.out.from.set(this.src.from.subarray(0, this.same));
      this.out.to.set(this.src.to.subarray(0, this.same));
      this.n = this.same;
    }
    return this.out;
  }

  done(): Mapped {
    const o = this.out;
    if (o === null)
      return this.same === this.src.units.length
        ? this.src
        : {
            ...this.src,
            text: this.src.text.slice(0, this.same),
            units: this.src.units.subarray(0, this.same),
            from: this.src.from.subarray(0, this.same),
            to: this.src.to.subarray(0, this.same),
          };
    const units = o.units.subarray(0, this.n);
    return { text: utf16.decode(units), units, from: o.from.subarray(0, this.n), to: o.to.subarray(0, this.n) };
  }
}

const code = (s: string, i: number): number => s.charCodeAt(i);
const isDigit = (c: number): boolean => c >= 48 && c <= 57;
const isHex = (c: number): boolean => isDigit(c) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);
const isAlnum = (c: number): boolean => isDigit(c) || (c >= 97 && c <= 122) || (c >= 65 && c <= 90);
const isX = (c: number): boolean => c === 120 || c === 88;
const isBit = (c: number): boolean => c === 48 || c === 49;
const isBreak = (c: number): boolean => c === 10 || c === 13;
const isBlank = (c: number): boolean => c === 32 || c === 9;

/** Separators seen between octets: dots, the dashes and underscores of host names, and commas. */
const OCTET_SEP = new Set(['.', '-', '_', ',', ':', ';', '|']);

/** Separators between octets in bare hex: a colon there makes a MAC address ("00:0c:29:c6:33:64"). */
const HEX_SEP = new Set(['.', '-', '_']);

/**
 * Characters a reader takes for a dot, a dash or a comma between numbers, which NFKC leaves as
 * they are: ideographic and middle dots, bullets, dot operators, katakana middle dots, minus signs,
 * the katakana long vowel mark, the ideographic comma.
 */
const DOT_LIKE = '\u3002\uff61\u00b7\u0387\u02d9\u06d4\u2022\u2027\u2219\u22c5\u2e31\u2e33\u30fb\uff65\ufe52\u2e3c';
const DASH_LIKE = '\u2010\u2011\u2012\u2013\u2014\u2015\u2043\u2212\u30fc\uff70\ufe63';
const COMMA_LIKE = '\u3001\uff64\ufe50\ufe51';
const COLON_LIKE = '\u2236\ua789\u02f8\u02d0\ufe30\ufe55\u0589\u05c3\u205a\u1361';
/** HTML character references a plain-text post may carry for a separator: "198&#46;51", "&colon;". */
const ENTITY = /^&(?:#(\d{1,5})|#x([0-9a-f]{1,4})|(period|colon|comma|lowbar|hyphen|dash|sol|nbsp));/i;
const NAMED: Record<string, string> = {
  period: '.',
  colon: ':',
  comma: ',',
  lowbar: '_',
  hyphen: '-',
  dash: '-',
  sol: '/',
  nbsp: ' ',
};

const DIGIT = /\p{Nd}/u;

const folded = new Map<number, string | null>();

/**
 * The ASCII a code point stands for, if any: full-width and mathematical digits, digits of other
 * scripts (٣, ३), the one-dot leader, "⒏" for "8.", the look-alikes above; '' for an invisible one.
 */
function fold(cp: number): string | null {
  let f = folded.get(cp);
  if (f === undefined) {
    const ch = String.fromCodePoint(cp);
    const n = ch.normalize('NFKC');
    if (INVISIBLE_CHARS.test(ch)) f = '';
    else if (DOT_LIKE.includes(ch)) f = '.';
    else if (DASH_LIKE.includes(ch)) f = '-';
    else if (COMMA_LIKE.includes(ch)) f = ',';
    else if (COLON_LIKE.includes(ch)) f = ':';
    // Circled and bracketed numbers (①, ⑴) number a list; glued to an address they are not its digits.
    else if (cp >= 0x2460 && cp <= 0x2487) f = null;
    else if (n.length === 1 && n <= '~') f = n;
    else if (n.length <= 4 && /^[0-9.]+$/.test(n)) f = n;
    else if (DIGIT.test(ch)) f = String(digitValue(cp));
    else f = null;
    folded.set(cp, f);
  }
  return f;
}

/** Unicode gives each script's digits as a run of ten, zero first: a digit's value is its place in its run. */
function digitValue(cp: number): number {
  let start = cp;
  while (start > 0 && DIGIT.test(String.fromCodePoint(start - 1)) && cp - start < 90) start--;
  return (cp - start) % 10;
}

function normalise(text: string): Mapped {
  const b = new Builder(identity(text), 4);
  let kept = 0;
  for (let i = 0; i < text.length;) {
    const cp = text.codePointAt(i)!;
    const w = cp > 0xffff ? 2 : 1;
    let f = cp < 0x80 ? null : fold(cp);
    let e = i + w;
    // Escaped dots, URL encoding and HTML character references: "198\.51", "%31%39%38%2E", "&#46;".
    if (cp === 92 && text[i + 1] === '.') f = '';
    else if (cp === 37 && isHex(code(text, i + 1)) && isHex(code(text, i + 2))) {
      const c = parseInt(text.slice(i + 1, i + 3), 16);
      if (c >= 0x20 && c < 0x7f) {
        f = String.fromCharCode(c);
        e = i + 3;
      }
    } else if (cp === 38) {
      const r = ENTITY.exec(text.slice(i, i + 12));
      const c = r
        ? r[3]
          ? NAMED[r[3].toLowerCase()]!
          : String.fromCharCode(r[1] ? Number(r[1]) : parseInt(r[2]!, 16))
        : null;
      if (r && c !== null && c >= ' ' && c <= '~') {
        f = c;
        e = i + r[0].length;
      }
    }
    if (f !== null) {
      b.copy(kept, i);
      if (f) b.put(f, i, e);
      kept = e;
    }
    i = e;
  }
  b.copy(kept, text.length);
  return b.done();
}

const CLOSE: Record<string, string> = { '[': ']', '(': ')', '{': '}', '<': '>', '【': '】', '「': '」', '〔': '〕' };

/** Dot spelled out between two digits with nothing around it: "198DOT51", "198_dot_51", "198ドット51". */
const GLUED_DOT = /^(?:[-_]?dot[-_]?|ドット|点)(?=[0-9])/i;

/**
 * Blanks allowed around a defanged separator (`[ . ]`, ` dot `), including a mailer's line break
 * with its quote markers; a bound keeps the scan linear.
 */
function skipBlanks(t: string, i: number): number {
  let j = i;
  while (j < t.length && j - i < 8 && (isBlank(code(t, j)) || isBreak(code(t, j)) || (t[j] === '>' && j > i))) j++;
  return j;
}

function isDotWord(t: string, i: number): boolean {
  return t.slice(i, i + 3).toLowerCase() === 'dot';
}

/** Turns `[.]`, `(dot)`, `{.}`, `[:]`, ` dot ` and the like back into the separator they hide. */
function undefang(m: Mapped): Mapped {
  const t = m.text;
  const b = new Builder(m);
  let kept = 0;
  for (let i = 0; i < t.length; i++) {
    const c = code(t, i);
    if (i > 0 && isDigit(code(t, i - 1))) {
      // Half a defang ("198[.51", "198.]51") or a dot spelled out and glued between digits.
      const half = (t[i] === '[' && t[i + 1] === '.') || (t[i] === '.' && t[i + 1] === ']') ? 2 : 0;
      const glued = half ? null : GLUED_DOT.exec(t.slice(i, i + 6));
      const n = half || (glued ? glued[0].length : 0);
      if (n && i + n < t.length && isDigit(code(t, i + n))) {
        b.copy(kept, i);
        b.put('.', i, i + n);
        kept = i + n;
        i += n - 1;
        continue;
      }
    }
    const close = CLOSE[t[i]!];
    if (close !== undefined) {
      let j = skipBlanks(t, i + 1);
      let sep: string | null = null;
      if (t[j] === '.' || t[j] === ':') sep = t[j++]!;
      else if (isDotWord(t, j)) {
        sep = '.';
        j += 3;
      }
      j = skipBlanks(t, j);
      if (sep !== null && t[j] === close) {
        b.copy(kept, i);
        b.put(sep, i, j + 1);
        kept = j + 1;
        i = j;
      }
      continue;
    }
    // Spelled-out " dot " only between two alphanumerics, so prose like "a dot." stays prose.
    if ((isBlank(c) || isBreak(c)) && i > kept && isAlnum(code(t, i - 1))) {
      const j = skipBlanks(t, i);
      if (isDotWord(t, j)) {
        const k = skipBlanks(t, j + 3);
        if (k > j + 3 && k < t.length && isAlnum(code(t, k))) {
          b.copy(kept, i);
          b.put('.', i, k);
          kept = k;
          i = k - 1;
        }
      }
    }
  }
  b.copy(kept, t.length);
  return b.done();
}

/**
 * Removes every line break together with the blanks before it and the indentation and `>` quote
 * markers after it, so an address a mailer wrapped (anywhere, even mid-number) reads whole; and
 * the blanks after a dot or colon between two hex digits, which is what an unfolded header or a
 * reflowed paragraph leaves of such a wrap (`203.0. 113.1`).
 */
function unwrap(m: Mapped): Mapped {
  const t = m.text;
  const b = new Builder(m);
  let kept = 0;
  const sep = (k: number) => t[k] === '.' || t[k] === ':';
  for (let i = 0; i < t.length;) {
    const c = code(t, i);
    // A doubled dot between numbers ("203..0..113..8") reads as one.
    if (c === 46 && i >= 2 && t[i - 1] === '.' && isHex(code(t, i - 2)) && i + 1 < t.length && isHex(code(t, i + 1))) {
      b.copy(kept, i);
      kept = ++i;
      continue;
    }
    if (!isBlank(c) && !isBreak(c)) {
      i++;
      continue;
    }
    let j = i;
    while (j < t.length && isBlank(code(t, j))) j++;
    if (j < t.length && isBreak(code(t, j))) {
      b.copy(kept, i);
      while (j < t.length && (isBlank(code(t, j)) || isBreak(code(t, j)) || t[j] === '>')) j++;
      kept = j;
    } else if (i >= 2 && sep(i - 1) && isHex(code(t, hexBefore(t, i - 2))) && j < t.length && isHex(code(t, j))) {
      b.copy(kept, i);
      kept = j;
    } else if (i >= 1 && isHex(code(t, i - 1)) && sep(j)) {
      // Blanks before a separator, as spaced-out writing leaves them ("198 . 51 . 100 . 58").
      let k = j + 1;
      while (k < t.length && k - j < 8 && isBlank(code(t, k))) k++;
      if (k < t.length && isHex(code(t, k))) {
        b.copy(kept, i);
        kept = j;
      }
    }
    i = j;
  }
  b.copy(kept, t.length);
  return b.done();
}

const LITERAL_NET = /(?<![0-9a-z-])([0-9a-f-]{2,45}(?:s[0-9a-z]{1,8})?)\.ipv6-literal\.net/gi;
const HEX32 = /(?<![0-9a-z])[0-9a-f]{32}(?![0-9a-z])/gi;
const WILD6 = /(?<![0-9a-z:])((?:[0-9a-f]{1,4}:){2,7})[*x]/gi;

/** Where the last non-blank at or before k is, looking back a few blanks at most. */
function hexBefore(t: string, k: number): number {
  let p = k;
  while (p > 0 && k - p < 8 && isBlank(code(t, p))) p--;
  return p;
}

interface Raw extends Found {
  s: number;
  e: number;
}

interface Token {
  s: number;
  e: number;
  /**
   * Decimal reading (padded octets are decimal) and octal reading (a leading zero means octal);
   * null for a wildcard.
   */
  dec: number | null;
  oct: number | null;
  /** Binary reading of eight binary digits ("11000110"), as some write an address to teach subnetting. */
  bin: number | null;
}

/** The longest an IPv6 address can be written: eight groups, or six and a dotted quad. */
const V6_MAX = 45;

function readToken(t: string, p: number): Token | null {
  const c = code(t, p);
  if (c === 42) return { s: p, e: p + 1, dec: null, oct: null, bin: null };
  if (isX(c)) {
    let e = p;
    while (e < t.length && e - p < 3 && isX(code(t, e))) e++;
    if (e < t.length && isAlnum(code(t, e))) return null;
    return { s: p, e, dec: null, oct: null, bin: null };
  }
  if (!isDigit(c)) return null;
  if (c === 48 && isX(code(t, p + 1)) && isHex(code(t, p + 2))) {
    let e = p + 2;
    while (e < t.length && isHex(code(t, e))) e++;
    const v = parseInt(t.slice(p + 2, e), 16);
    return { s: p, e, dec: v, oct: v, bin: v };
  }
  if (c === 48 && (t[p + 1] === 'b' || t[p + 1] === 'B') && isBit(code(t, p + 2))) {
    let e = p + 2;
    while (e < t.length && isBit(code(t, e))) e++;
    const v = parseInt(t.slice(p + 2, e), 2);
    return { s: p, e, dec: v, oct: v, bin: v };
  }
  let e = p;
  let octal = true;
  let binary = true;
  while (e < t.length && isDigit(code(t, e))) {
    if (code(t, e) > 55) octal = false;
    if (!isBit(code(t, e))) binary = false;
    e++;
  }
  const digits = t.slice(p, e);
  const dec = parseInt(digits, 10);
  const oct = octal && digits.length > 1 && c === 48 ? parseInt(digits, 8) : dec;
  return { s: p, e, dec, oct, bin: binary && digits.length === 8 ? parseInt(digits, 2) : null };
}

const isWild = (tok: Token | undefined): boolean => tok !== undefined && tok.dec === null;

/**
 * Tokens k..k+2 make a clock time ("20:28:49", a Date header's or a log line's), not three octets of
 * a /24: two digits each, joined by colons, an hour, minutes and seconds. Read as octets, every
 * draft quoting a log line, and every message's own Date header, would carry an address of an
 * operator whose networks start at that hour.
 */
function clockTime(t: string, run: Token[], k: number): boolean {
  const [h, m, sec] = [run[k], run[k + 1], run[k + 2]];
  if (!h || !m || !sec || t[m.s - 1] !== ':' || t[sec.s - 1] !== ':') return false;
  const two = (tok: Token) => tok.e - tok.s === 2;
  return two(h) && two(m) && two(sec) && h.dec! <= 23 && m.dec! <= 59 && sec.dec! <= 60;
}

/** Blanks allowed between octets written apart; a bound keeps the scan linear. */
const MAX_GAP = 3;

/** Where the text goes on after the gap between two octets written apart (a comma allowed before blanks) at k. */
function gapAfter(t: string, k: number): number {
  const p = t[k] === ',' ? k + 1 : k;
  let q = p;
  while (q < t.length && q - p < MAX_GAP && isBlank(code(t, q))) q++;
  return q > p && !isBlank(code(t, q)) ? q : k;
}

/** The last character before the blanks (and a comma) that end just before k, or -1 if none end there. */
function gapBefore(t: string, k: number): number {
  let q = k - 1;
  while (q >= 0 && k - q <= MAX_GAP && isBlank(code(t, q))) q--;
  if (q === k - 1) return -1;
  return t[q] === ',' && q > 0 ? q - 1 : q;
}

/** The first (or last) place in s..e where the copy joined two lines, or -1. */
function joins(m: Mapped, s: number, e: number, first: boolean): number {
  let found = -1;
  for (let k = s + 1; k < e; k++) {
    if (m.from[k] === m.to[k - 1]) continue;
    if (first) return k;
    found = k;
  }
  return found;
}

/** A `/len` written right after position e, as a CIDR suffix. */
function cidrAfter(t: string, e: number, max: number): { len: number; e: number } | null {
  if (t[e] !== '/') return null;
  let k = e + 1;
  while (k < t.length && k - e <= 3 && isDigit(code(t, k))) k++;
  if (k === e + 1 || (k < t.length && isDigit(code(t, k)))) return null;
  const len = parseInt(t.slice(e + 1, k), 10);
  return len <= max ? { len, e: k } : null;
}

/** Line joins looked at inside one word; real wrapped words have one or two. */
const MAX_JOINS = 4;

const IN_ADDR = '.in-addr.arpa';
const IP6_ARPA = /\.ip6\.arpa/gi;
/** `0x` and up to eight hex digits after any leading zeros ("0x00C6336432" is still one address). */
const HEX_LONG = /^0x0*[1-9a-f][0-9a-f]{0,7}$/i;
const HEX_BARE = /^[0-9a-f]{8}$/i;
const BIN_LONG = /^(?:0b)?[01]{32}$/i;
/** The longest word hexWord reads: `0b` and 32 binary digits. */
const WORD_MAX = 34;

export class OwnNetworks {
  readonly empty: boolean;
  private readonly v4: Array<[ipaddr.IPv4, number]> = [];
  private readonly v6: Array<[ipaddr.IPv6, number]> = [];
  /** Which first octets can begin one of our IPv4 addresses: most number runs are rejected on this alone. */
  private readonly leads = new Uint8Array(256);

  constructor(prefixes: string[]) {
    for (const p of prefixes) {
      const [net, bits] = ipaddr.parseCIDR(p);
      if (net.kind() === 'ipv4') this.v4.push([net as ipaddr.IPv4, bits]);
      else this.v6.push([net as ipaddr.IPv6, bits]);
    }
    this.empty = this.v4.length === 0 && this.v6.length === 0;
    for (let x = 0; x < 256; x++) if (this.overlaps(new ipaddr.IPv4([x, 0, 0, 0]), 8)) this.leads[x] = 1;
  }

  /** Whether one address or prefix (any notation ipaddr.js or this module reads) is inside our networks. */
  contains(address: string): boolean {
    const s = address.trim();
    if (ipaddr.isValidCIDR(s)) {
      const [a, len] = ipaddr.parseCIDR(s);
      return this.inside(a, len) || (len === (a.kind() === 'ipv4' ? 32 : 128) && this.address(a, false) !== null);
    }
    if (ipaddr.isValid(s) && this.address(ipaddr.parse(s), false) !== null) return true;
    return this.find(s).length > 0;
  }

  /**
   * Every operator address/prefix written anywhere in the text, in any notation below;
   * non-overlapping, sorted by start.
   */
  find(text: string): NetworkMatch[] {
    if (this.empty || text.length === 0) return [];
    const folded = normalise(text);
    const out: NetworkMatch[] = [];
    const collect = (m: Mapped): void => {
      for (const { s, e, ...f } of this.scan(m)) out.push({ start: m.from[s]!, end: m.to[e - 1]!, ...f });
    };
    const plain = undefang(folded);
    collect(plain);
    // Unwrapped before undefanging, so a break inside `[ . ]` or inside `dot` is joined too; and
    // after it, so that the blanks around a separator it restored (" (dot) ") go as well.
    if (/[\n\r]|[.:][ \t]|[ \t][.:]|\.\./.test(plain.text)) collect(unwrap(undefang(unwrap(folded))));
    return merge(out);
  }

  private scan(m: Mapped): Raw[] {
    const t = m.text;
    const out: Raw[] = [];
    if (this.v4.length > 0) {
      this.scanOctets(m, out);
      this.scanWholeNumbers(m, out);
      this.scanHexOctets(t, out);
      this.scanSpacedOctets(t, out);
    }
    this.scanColons(t, out);
    if (this.v6.length > 0) {
      this.scanIp6Arpa(t, out);
      this.scanIp6Spellings(t, out);
    }
    return out;
  }

  /**
   * IPv6 spelled as no parser writes it: Windows' "2001-db8-100--25.ipv6-literal.net", 32 hex
   * digits in a row, and a prefix with wildcards ("2001:db8:100:*", "2001:db8:100:x:x:x:x:x").
   */
  private scanIp6Spellings(t: string, out: Raw[]): void {
    for (const m of t.matchAll(LITERAL_NET)) {
      const a = parseV6(m[1]!.replace(/-/g, ':').replace(/s[0-9a-z]+$/i, ''));
      const f = a && this.address(a, false);
      if (f) out.push({ ...f, s: m.index, e: m.index + m[1]!.length });
    }
    for (const m of t.matchAll(HEX32)) {
      const a = parseV6(m[0].replace(/(.{4})(?!$)/g, '$1:'));
      const f = a && this.address(a, false);
      if (f) out.push({ ...f, s: m.index, e: m.index + 32 });
    }
    for (const m of t.matchAll(WILD6)) {
      const groups = m[1]!.split(':').filter(Boolean);
      const a = parseV6(`${groups.join(':')}::`);
      let e = m.index + m[0].length;
      while (e < t.length && e - m.index < 60 && '*xX:0'.includes(t[e]!)) e++;
      if (a) this.prefix(a, groups.length * 16, false, m.index, e, out);
    }
  }

  /** Dotted, dashed and underscored runs of numbers: addresses, reversed addresses and /24 or /16 forms. */
  private scanOctets(m: Mapped, out: Raw[]): void {
    const t = m.text;
    for (let i = 0; i < t.length; i++) {
      if (!isDigit(code(t, i))) continue;
      const first = readToken(t, i);
      if (first === null) continue;
      const run = [first];
      let e = first.e;
      while (e + 1 < t.length && OCTET_SEP.has(t[e]!)) {
        const tok = readToken(t, e + 1);
        if (tok === null) break;
        run.push(tok);
        e = tok.e;
      }
      this.octetWindows(t, run, out);
      // In the unwrapped copy the first or last number may have run into the line before or after
      // the address: read it again from, or up to, the join.
      const last = run[run.length - 1]!;
      const head = joins(m, first.s, first.e, true);
      const tail = joins(m, last.s, last.e, false);
      // Either end, or both, may be the one that ran on: a wrap inside the first number ("0xc" and
      // "6" on two lines) belongs to it, while the last one ran into the next line's word.
      for (const [atHead, atTail] of [
        [true, false],
        [false, true],
        [true, true],
      ] as const) {
        if ((atHead && head === -1) || (atTail && tail === -1)) continue;
        const cut = [...run];
        if (atHead) cut[0] = readToken(t, head) ?? first;
        if (atTail) cut[cut.length - 1] = readToken(t.slice(0, tail), cut[cut.length - 1]!.s) ?? last;
        this.octetWindows(t, cut, out);
      }
      i = e - 1;
    }
  }

  private octetWindows(t: string, run: Token[], out: Raw[]): void {
    const end = run[run.length - 1]!.e;
    const cidr = cidrAfter(t, end, 32);
    const arpa = t[end] === '.' && t.slice(end, end + IN_ADDR.length).toLowerCase() === IN_ADDR;
    let octal = false;
    let binary = false;
    for (const tok of run) {
      octal ||= tok.oct !== tok.dec;
      binary ||= tok.bin !== null && tok.bin !== tok.dec;
    }
    const readings: Array<'dec' | 'oct' | 'bin'> = ['dec'];
    if (octal) readings.push('oct');
    if (binary) readings.push('bin');
    const lead = this.leads;
    for (const reading of readings) {
      for (let k = 0; k < run.length; k++) {
        // The octets that can be read from token k on, at most four.
        const q: number[] = [];
        for (let j = k; j < k + 4 && j < run.length; j++) {
          const x = run[j]![reading];
          if (x === null || x > 255) break;
          q.push(x);
        }
        const s = run[k]!.s;
        const last = k + q.length === run.length;
        const e = run[k + q.length - 1]?.e ?? s;
        if (q.length === 4) {
          const [o0, o1, o2, o3] = q as [number, number, number, number];
          const a = new ipaddr.IPv4(q);
          if (last && cidr !== null && cidr.len < 32 && isNetwork(a, cidr.len)) {
            this.prefix(a, cidr.len, false, s, cidr.e, out);
          } else {
            const f =
              (lead[o0] ? this.address(a, false) : null) ??
              (lead[o3] ? this.address(new ipaddr.IPv4([o3, o2, o1, o0]), true) : null);
            if (f !== null) out.push({ ...f, s, e: last && cidr !== null ? cidr.e : e });
          }
        }
        // Three octets not followed by a fourth: a /24 written bare, with a wildcard, a length or as a reverse zone.
        if (q.length === 3 && !clockTime(t, run, k)) {
          const [o0, o1, o2] = q as [number, number, number];
          if (last && arpa) {
            if (lead[o2]) this.prefix(new ipaddr.IPv4([o2, o1, o0, 0]), 24, true, s, e, out);
          } else if (!lead[o0]) continue;
          else if (last && cidr !== null)
            this.prefix(new ipaddr.IPv4([o0, o1, o2, 0]), cidr.len, false, s, cidr.e, out);
          else this.prefix(new ipaddr.IPv4([o0, o1, o2, 0]), 24, false, s, isWild(run[k + 3]) ? run[k + 3]!.e : e, out);
        }
        if (q.length === 2) {
          const [o0, o1] = q as [number, number];
          if (last && arpa) {
            if (lead[o1]) this.prefix(new ipaddr.IPv4([o1, o0, 0, 0]), 16, true, s, e, out);
          } else if (!lead[o0]) continue;
          else if (last && cidr !== null) this.prefix(new ipaddr.IPv4([o0, o1, 0, 0]), cidr.len, false, s, cidr.e, out);
          else if (isWild(run[k + 2]) && isWild(run[k + 3]))
            this.prefix(new ipaddr.IPv4([o0, o1, 0, 0]), 16, false, s, run[k + 3]!.e, out);
        }
      }
    }
    this.atonForms(t, run, octal ? ['dec', 'oct'] : ['dec'], out);
  }

  /**
   * The short forms inet_aton(3) accepts, whose last part holds all the remaining bytes: "198.3367986"
   * (a.24 bits) and "198.51.25650" (a.b.16 bits), any part in hex or octal. Only at the start of a
   * run, so that a time's fraction ("15:07:20.910626") or tcpdump's port ("192.0.2.1.55739") is not
   * one; a last part must need more than a byte unless three numbers are all there is ("198.51.50"),
   * and a two-part form's must be in hex or five digits at least: "1.645" in a draft is a quantile.
   */
  private atonForms(t: string, run: Token[], readings: Array<'dec' | 'oct'>, out: Raw[]): void {
    let j = 1;
    while (j < run.length && t[run[j]!.s - 1] === '.' && run[j]!.dec !== null) j++;
    if (j < 2) return;
    const hexLast = t[run[1]!.s] === '0' && isX(code(t, run[1]!.s + 1));
    const long = run[1]!.e - run[1]!.s >= 5;
    for (const reading of readings) {
      const a = run[0]![reading];
      if (a === null || a > 255 || !this.leads[a]) continue;
      const b = run[1]![reading]!;
      if (b > 255 && b <= 0xffffff && (hexLast || long))
        this.pushAddress(new ipaddr.IPv4([a, b >>> 16, (b >>> 8) & 255, b & 255]), run[0]!.s, run[1]!.e, out);
      const c = j > 2 ? run[2]![reading]! : -1;
      if (b <= 255 && (c > 255 || (j === 3 && c >= 0)) && c <= 0xffff)
        this.pushAddress(new ipaddr.IPv4([a, b, c >>> 8, c & 255]), run[0]!.s, run[2]!.e, out);
    }
  }

  /**
   * Four numbers apart, as octets are written out in prose or a table ("198 51 100 50", "198, 51,
   * 100, 50"): exactly four, standing alone, since "Sep 20 15:52:00" and a flow record's "6 1 0 0 5"
   * are not addresses, and read forwards only.
   */
  private scanSpacedOctets(t: string, out: Raw[]): void {
    for (let i = 0; i < t.length; i++) {
      if (!isDigit(code(t, i)) || (i > 0 && isAlnum(code(t, i - 1)))) continue;
      // Not the tail of a dotted or dashed run ("10.198 51 100 50"); an enumeration's comma ("、") is fine.
      if (i > 1 && OCTET_SEP.has(t[i - 1]!) && isDigit(code(t, i - 2))) continue;
      if (isDigit(code(t, gapBefore(t, i)))) continue;
      const q: number[] = [];
      let e = i;
      for (let p = i; q.length < 4;) {
        let k = p;
        while (k < t.length && k - p < 4 && isDigit(code(t, k))) k++;
        if (k === p || k - p > 3 || (k < t.length && isAlnum(code(t, k)))) break;
        q.push(parseInt(t.slice(p, k), 10));
        e = k;
        if (q.length === 1 && !this.leads[q[0]!]) break;
        const n = gapAfter(t, k);
        if (n === k) break;
        p = n;
      }
      if (q.length < 4 || q.some((x) => x > 255)) continue;
      const n = gapAfter(t, e);
      const tight = OCTET_SEP.has(t.charAt(e)) && isDigit(code(t, e + 1));
      if (tight || (n > e && isDigit(code(t, n)))) continue;
      this.pushAddress(new ipaddr.IPv4(q), i, e, out);
      i = e;
    }
  }

  /** Whole addresses written as one number: decimal, octal, `0x` hex, or a bare isolated 8-digit hex word. */
  private scanWholeNumbers(m: Mapped, out: Raw[]): void {
    const t = m.text;
    for (let i = 0; i < t.length;) {
      if (!isAlnum(code(t, i))) {
        i++;
        continue;
      }
      // Where a line break was taken out, the word may be two words run together: each piece
      // between such joins is read on its own too.
      let cuts: number[] | null = null;
      let e = i + 1;
      for (; e < t.length && isAlnum(code(t, e)); e++) {
        if (m.from[e] !== m.to[e - 1]) {
          cuts ??= [i];
          if (cuts.length < MAX_JOINS) cuts.push(e);
        }
      }
      if (cuts === null) this.hexWord(t, i, e, out);
      else {
        cuts.push(e);
        for (let x = 0; x < cuts.length - 1; x++) {
          for (let y = x + 1; y < cuts.length; y++) this.hexWord(t, cuts[x]!, cuts[y]!, out);
        }
      }
      this.decimalRuns(t, i, e, out);
      i = e;
    }
  }

  private hexWord(t: string, s: number, e: number, out: Raw[]): void {
    if (e - s < 3 || e - s > WORD_MAX) return;
    const word = t.slice(s, e);
    if (HEX_LONG.test(word)) this.pushAddress(ipaddr.IPv4.parse(word), s, e, out);
    else if (HEX_BARE.test(word)) this.pushAddress(ipaddr.IPv4.parse(`0x${word}`), s, e, out);
    else if (BIN_LONG.test(word)) {
      const v = parseInt(word.slice(-32), 2);
      this.pushAddress(ipaddr.IPv4.parse(String(v)), s, e, out);
    }
  }

  /**
   * Octets in bare hex, as a packet dump prints them ("c6.33.64.32", "C6-33-64-32"): four groups of
   * one or two hex digits, one at least with a letter, since "12.34.56.78" is decimal to any reader.
   */
  private scanHexOctets(t: string, out: Raw[]): void {
    for (let i = 0; i < t.length; i++) {
      if (!isHex(code(t, i)) || (i > 0 && isAlnum(code(t, i - 1)))) continue;
      const q: number[] = [];
      let letter = false;
      let e = i;
      for (let p = i; q.length < 4; p = e + 1) {
        let v = 0;
        let k = p;
        for (; k < t.length && k - p < 2 && isHex(code(t, k)); k++) {
          const c = code(t, k) | 32;
          letter ||= c > 57;
          v = v * 16 + (c > 57 ? c - 87 : c - 48);
        }
        if (k === p || (k < t.length && isAlnum(code(t, k))) || (q.length === 0 && !this.leads[v])) break;
        q.push(v);
        e = k;
        if (!HEX_SEP.has(t.charAt(k))) break;
      }
      if (q.length === 4 && letter) this.pushAddress(new ipaddr.IPv4(q), i, e, out);
    }
  }

  private decimalRuns(t: string, from: number, to: number, out: Raw[]): void {
    for (let i = from; i < to;) {
      if (!isDigit(code(t, i))) {
        i++;
        continue;
      }
      let e = i;
      while (e < to && isDigit(code(t, e))) e++;
      const digits = t.slice(i, e);
      const inDecimal = (t[i - 1] === '.' && isDigit(code(t, i - 2))) || (t[e] === '.' && isDigit(code(t, e + 1)));
      const afterHexMark = i >= 2 && t[i - 2] === '0' && isX(code(t, i - 1));
      if (!inDecimal && !afterHexMark && digits.length >= 8 && digits.length <= 12) {
        const n = Number(digits);
        if (digits.length <= 10 && n <= 0xffffffff) this.pushAddress(ipaddr.IPv4.parse(String(n)), i, e, out);
        if (digits[0] === '0' && ipaddr.IPv4.isValid(digits)) this.pushAddress(ipaddr.IPv4.parse(digits), i, e, out);
      }
      i = e;
    }
  }

  /**
   * Runs of hex digits, colons and dots with at least two colons. Every split point is tried,
   * because a word or an interface name can run straight into the address (`inside:2001:db8::25`).
   */
  private scanColons(t: string, out: Raw[]): void {
    for (let i = 0; i < t.length;) {
      const c = code(t, i);
      if (!(isHex(c) || c === 58 || c === 46)) {
        i++;
        continue;
      }
      let e = i;
      let colons = 0;
      for (; e < t.length; e++) {
        const d = code(t, e);
        if (d === 58) colons++;
        else if (!(isHex(d) || d === 46)) break;
      }
      if (colons >= 2) this.colonRun(t, i, e, out);
      i = e;
    }
  }

  private colonRun(t: string, a: number, b: number, out: Raw[]): void {
    const n = b - a;
    // Where a candidate may start or end: at a group (run of hex digits) or a `::`. A group longer
    // than four is cut, since letters of a word can sit right before or after the address.
    const canStart = new Uint8Array(n + 1);
    const canEnd = new Uint8Array(n + 1);
    // Running counts of colons, `::` pairs and dots, so a candidate's shape is known without slicing it.
    const colons = new Int32Array(n + 1);
    const pairs = new Int32Array(n + 1);
    const dots = new Int32Array(n + 1);
    for (let i = a; i < b;) {
      const c = code(t, i);
      if (isHex(c)) {
        let e = i;
        while (e < b && isHex(code(t, e))) e++;
        canStart[i - a] = 1;
        canEnd[e - a] = 1;
        if (e - i > 4) {
          for (let k = e - 4; k < e; k++) canStart[k - a] = 1;
          for (let k = i + 1; k <= i + 4; k++) canEnd[k - a] = 1;
        }
        for (let k = i; k < e; k++) {
          colons[k - a + 1] = colons[k - a]!;
          pairs[k - a + 1] = pairs[k - a]!;
          dots[k - a + 1] = dots[k - a]!;
        }
        i = e;
        continue;
      }
      const pair = c === 58 && t[i + 1] === ':' && i + 1 < b;
      // Even inside `:::`, which is what a colon of the text makes of an address that starts with `::`.
      if (pair) {
        canStart[i - a] = 1;
        canEnd[i + 2 - a] = 1;
      }
      colons[i - a + 1] = colons[i - a]! + (c === 58 ? 1 : 0);
      pairs[i - a + 1] = pairs[i - a]! + (pair ? 1 : 0);
      dots[i - a + 1] = dots[i - a]! + (c === 46 ? 1 : 0);
      i++;
    }
    for (let s = 0; s < n; s++) {
      if (canStart[s] !== 1) continue;
      // Longest first: the first of ours is the one to take.
      for (let e = Math.min(n, s + V6_MAX); e >= s + 2; e--) {
        if (canEnd[e] !== 1) continue;
        const c = colons[e]! - colons[s]!;
        const d = pairs[e - 1]! - pairs[s]!;
        if (c < 2 || d > 1 || (d === 0 && c !== 7 && !(c === 6 && dots[e]! > dots[s]!))) continue;
        const addr = parseV6(t.slice(a + s, a + e));
        const found = addr === null ? null : this.v6At(t, addr, a + s, a + e, e === n);
        if (found !== null) {
          out.push(found);
          break;
        }
      }
    }
  }

  /** Our IPv6 address or prefix (or an IPv4 one inside it) at s..e, with a `/len` after it if the run ended there. */
  private v6At(t: string, addr: ipaddr.IPv6, s: number, e: number, runEnd: boolean): Raw | null {
    const cidr = runEnd ? cidrAfter(t, e, 128) : null;
    if (cidr !== null && cidr.len < 128 && isNetwork(addr, cidr.len)) {
      return this.touches(addr, cidr.len) ? { ...this.prefixFound(addr, cidr.len, false), s, e: cidr.e } : null;
    }
    const f = this.address(addr, false);
    return f === null ? null : { ...f, s, e: cidr?.e ?? e };
  }

  /** Reverse-zone nibbles: a full address, or a zone of at least 48 bits that touches our IPv6 space. */
  private scanIp6Arpa(t: string, out: Raw[]): void {
    for (const m of t.matchAll(IP6_ARPA)) {
      const nibbles: string[] = [];
      let start = m.index;
      let q = m.index;
      while (nibbles.length < 32 && q >= 1 && isHex(code(t, q - 1))) {
        nibbles.push(t[q - 1]!);
        start = q - 1;
        if (t[q - 2] !== '.') break;
        q -= 2;
      }
      if (nibbles.length === 0) continue;
      const hex = nibbles.join('').padEnd(32, '0');
      const groups = Array.from({ length: 8 }, (_, k) => hex.slice(k * 4, k * 4 + 4));
      const addr = ipaddr.IPv6.parse(groups.join(':'));
      if (nibbles.length === 32) {
        const f = this.address(addr, true);
        if (f !== null) out.push({ ...f, s: start, e: m.index });
      } else this.prefix(addr, nibbles.length * 4, true, start, m.index, out);
    }
  }

  private pushAddress(a: Addr, s: number, e: number, out: Raw[]): void {
    const f = this.address(a, false);
    if (f !== null) out.push({ ...f, s, e });
  }

  private prefix(a: Addr, len: number, reversed: boolean, s: number, e: number, out: Raw[]): void {
    if (this.touches(a, len)) out.push({ ...this.prefixFound(a, len, reversed), s, e });
  }

  private ours(a: Addr): boolean {
    const nets: Array<[Addr, number]> = a.kind() === 'ipv4' ? this.v4 : this.v6;
    for (const net of nets) if (a.match(net as never)) return true;
    return false;
  }

  private inside(a: Addr, len: number): boolean {
    const nets: Array<[Addr, number]> = a.kind() === 'ipv4' ? this.v4 : this.v6;
    for (const net of nets) if (len >= net[1] && a.match(net as never)) return true;
    return false;
  }

  /**
   * A prefix of at least a /20 (IPv4) or /40 (IPv6) counts when it overlaps our space, since it
   * points at the operator's own neighbourhood ("198.51.100.0/23"); a wider one only when it lies
   * inside, or every mention of a big aggregate that merely contains us would be redacted.
   */
  private touches(a: Addr, len: number): boolean {
    return this.inside(a, len) || (len >= (a.kind() === 'ipv4' ? 20 : 40) && this.overlaps(a, len));
  }

  private overlaps(a: Addr, len: number): boolean {
    const nets: Array<[Addr, number]> = a.kind() === 'ipv4' ? this.v4 : this.v6;
    for (const [n, bits] of nets)
      if (bits >= len ? n.match([a, len] as never) : a.match([n, bits] as never)) return true;
    return false;
  }

  /**
   * Our address, or for an IPv6 address one of ours carried inside it: the low 32 bits (mapped,
   * compatible, NAT64 with any /96, ISATAP), 6to4's bits 16-47, Teredo's server and its obfuscated client.
   */
  private address(a: Addr, reversed: boolean): Found | null {
    if (this.ours(a)) return describe(a, reversed);
    if (a.kind() === 'ipv4' || this.v4.length === 0) return null;
    const b = a.toByteArray();
    const embedded = [b.slice(12, 16)];
    if (b[0] === 0x20 && b[1] === 0x02) embedded.push(b.slice(2, 6));
    if (b[0] === 0x20 && b[1] === 0x01 && b[2] === 0 && b[3] === 0)
      embedded.push(
        b.slice(4, 8),
        b.slice(12, 16).map((x) => x ^ 0xff),
      );
    for (const e of embedded) {
      const v4 = new ipaddr.IPv4(e);
      if (this.ours(v4)) return describe(v4, reversed);
    }
    return null;
  }

  private prefixFound(a: Addr, len: number, reversed: boolean): Found {
    const net = ipaddr.fromByteArray(masked(a, len));
    return { ...describe(net, reversed), value: `${net.toString()}/${len}`, host: null };
  }
}

/** One parse instead of isValid then parse: the shape test before has already weeded out most failures. */
function parseV6(s: string): ipaddr.IPv6 | null {
  try {
    return ipaddr.IPv6.parse(s);
  } catch {
    return null;
  }
}

const masks = new Map<string, number[]>();

/**
 * The bytes of a/len with the host bits cleared (ipaddr.js only offers this through a CIDR string,
 * which is slow in a hot loop).
 */
function masked(a: Addr, len: number): number[] {
  const key = `${a.kind()}/${len}`;
  let mask = masks.get(key);
  if (mask === undefined) {
    mask = (
      a.kind() === 'ipv4' ? ipaddr.IPv4.subnetMaskFromPrefixLength(len) : ipaddr.IPv6.subnetMaskFromPrefixLength(len)
    ).toByteArray();
    masks.set(key, mask);
  }
  const b = a.toByteArray();
  for (let i = 0; i < b.length; i++) b[i] = b[i]! & mask[i]!;
  return b;
}

function isNetwork(a: Addr, len: number): boolean {
  const b = a.toByteArray();
  const m = masked(a, len);
  for (let i = 0; i < b.length; i++) if (b[i] !== m[i]) return false;
  return true;
}

function describe(a: Addr, reversed: boolean): Found {
  if (a.kind() === 'ipv4') {
    const o = (a as ipaddr.IPv4).octets;
    return { value: a.toString(), family: 4, net: o.slice(0, 3).join('.'), host: String(o[3]), reversed };
  }
  const p = (a as ipaddr.IPv6).parts;
  return {
    value: a.toString(),
    family: 6,
    net: p
      .slice(0, 4)
      .map((x) => x.toString(16))
      .join(':'),
    host: p[7]!.toString(16),
    reversed,
  };
}

/** Sorted, non-overlapping: overlapping spans become one, described by the widest of them. */
function merge(all: NetworkMatch[]): NetworkMatch[] {
  all.sort((x, y) => x.start - y.start || y.end - x.end);
  const out: NetworkMatch[] = [];
  for (const m of all) {
    const last = out[out.length - 1];
    if (last === undefined || m.start >= last.end) {
      out.push({ ...m });
      continue;
    }
    if (m.end - m.start > last.end - last.start) Object.assign(last, { ...m, start: last.start });
    last.end = Math.max(last.end, m.end);
  }
  return out;
}
