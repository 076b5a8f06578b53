import { closeSync, openSync, readSync } from 'node:fs';
import { open } from 'node:fs/promises';

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

/**
 * A file's bytes in [start, end), `size` at a time, read into two buffers in turn: the next read
 * runs while the caller works through the last chunk, and no memory is allocated per chunk. (A
 * new Buffer per chunk, as a read stream makes, had V8 collecting garbage every 50 ms while a log
 * was imported, for memory outside its heap that was never held for long.) A chunk is only good
 * until the next one is asked for. A file that is shorter than `end` ends where it ends.
 */
export async function* fileChunks(path: string, start: number, end: number, size: number): AsyncGenerator<Buffer> {
  const file = await open(path, 'r');
  const buffers = [Buffer.allocUnsafe(size), Buffer.allocUnsafe(size)];
  let at = start;
  const readAt = (buffer: Buffer, from: number) => file.read(buffer, 0, Math.min(size, end - from), from);
  let next: Promise<{ bytesRead: number }> | null = at < end ? readAt(buffers[0]!, at) : null;
  try {
    for (let turn = 0; next; turn ^= 1) {
      const { bytesRead } = await next;
      const want = Math.min(size, end - at);
      at += bytesRead;
      next = bytesRead === want && at < end ? readAt(buffers[turn ^ 1]!, at) : null;
      if (bytesRead > 0) yield buffers[turn]!.subarray(0, bytesRead);
    }
  } finally {
    // A read still running when the caller stops early must end before the file is closed.
    await next?.catch(() => undefined);
    await file.close();
  }
}
