declare module 'libmime' {
  /** Only what kansoku uses; the package's @types lack it. */
  const libmime: {
    /** The canonical name of a charset label, as mailparser resolves labels. */
    normalizeCharset(charset: string): string;
    /** A header value with its RFC 2047 encoded words decoded. */
    decodeWords(value: string): string;
    /** A header block, unfolded, as lower-cased names to their values in order. */
    decodeHeaders(headers: string): Record<string, string[]>;
    /** A structured header value ("text/plain; charset=utf-8") as its value and parameters. */
    parseHeaderValue(value: string): { value: string; params: Record<string, string> };
  };
  export default libmime;
}
