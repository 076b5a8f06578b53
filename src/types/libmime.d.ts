declare module 'libmime' {
  /** Only what kansoku uses; the package's @types lack it. */
  const libmime: {
    /** The canonical name of a charset label, as mailparser resolves labels. */
    normalizeCharset(charset: string): string;
    /** A header value with its RFC 2047 encoded words decoded. */
    decodeWords(value: string): string;
  };
  export default libmime;
}
