/**
 * IPv4 addresses as numbers, the form the counters keep them in and the scanner reads them to.
 * Low in the tree so that extract/ and counters/ share it without importing each other.
 */

/** Dotted-decimal text of an IPv4 number (or of a /24's first three octets). */
export function dotted(n: number, parts: 3 | 4 = 4): string {
  return parts === 4
    ? `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`
    : `${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}

/** A dotted quad (parts 4) or /24 (parts 3) in canonical form, as a number; null for anything else. */
export function parseDotted(s: string): { n: number; parts: 3 | 4 } | null {
  let n = 0;
  let octet = 0;
  let digits = 0;
  let parts = 1;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      if (digits === 1 && octet === 0) return null;
      octet = octet * 10 + c - 48;
      if (++digits > 3 || octet > 255) return null;
    } else if (c === 46 && digits > 0 && parts < 4) {
      n = n * 256 + octet;
      octet = 0;
      digits = 0;
      parts++;
    } else return null;
  }
  if (digits === 0 || parts < 3) return null;
  return { n: n * 256 + octet, parts: parts as 3 | 4 };
}
