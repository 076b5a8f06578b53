declare module 'mbox-reader' {
  import type { Readable } from 'node:stream';
  export interface MboxMessage {
    returnPath: string;
    time: Date | false;
    content: Buffer;
    flags: string[];
    labels: string[];
  }
  export function mboxReader(input: Readable, options?: { gz?: boolean }): AsyncGenerator<MboxMessage>;
  /** The package is CommonJS: its `module.exports`, which Node and our bundle both give as the default. */
  const commonjs: { mboxReader: typeof mboxReader };
  export default commonjs;
}
