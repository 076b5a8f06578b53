import { closeSync, openSync, readSync } from 'node:fs';

/** The first `n` bytes of a file: enough to tell an mbox from a message, or gzip from text. */
export function fileHead(path: string, n: number): Buffer {
  const fd = openSync(path, 'r');
  const head = Buffer.alloc(n);
  try {
    const got = readSync(fd, head, 0, n, 0);
    return head.subarray(0, got);
  } finally {
    closeSync(fd);
  }
}
