import { createReadStream, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { KansokuError } from '../errors.ts';
import { fileHead } from '../files.ts';
import type { Checkpoint } from '../store/index.ts';

/** One message as a source hands it over: raw bytes and where they came from. */
export interface RawMessage {
  /** Where the message came from, for logs and quarantine records (e.g. `maildir:/x/cur/171...`). */
  origin: string;
  raw: Buffer;
  /** The message's size when `raw` holds only its headers (it was too large to fetch). */
  size?: number;
  /** For IMAP: where reading stands once this message is done; stored with what it produced. */
  checkpoint?: Checkpoint;
}

/**
 * A place messages come from. Each source yields every message it holds; deciding what is new
 * is the pipeline's job (Message-ID is the key), so a source needs no state of its own.
 */
export interface MessageSource {
  readonly name: string;
  messages(): AsyncIterable<RawMessage>;
}

export type SourceType = 'maildir' | 'mbox' | 'eml' | 'stdin';

/** A Maildir folder: `new/` and `cur/`, in delivery order (file names begin with the delivery time). */
export function maildirSource(dir: string): MessageSource {
  return {
    name: `maildir:${dir}`,
    async *messages() {
      const files: string[] = [];
      for (const sub of ['cur', 'new']) {
        let names: string[];
        try {
          names = readdirSync(join(dir, sub));
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue;
          throw new KansokuError('SOURCE_UNREADABLE', 'mail', `${dir}: ${(err as Error).message}`, { cause: err });
        }
        for (const n of names) if (!n.startsWith('.')) files.push(join(dir, sub, n));
      }
      files.sort((a, b) => basename(a).localeCompare(basename(b)));
      for (const f of files) yield { origin: `maildir:${f}`, raw: readFileSync(f) };
    },
  };
}

/** An mbox file (mboxrd / mboxo, as mail clients and list archives write it). */
export function mboxSource(file: string): MessageSource {
  return {
    name: `mbox:${file}`,
    async *messages() {
      // mbox-reader brings its own copies of libmime and iconv-lite (a megabyte of code): loaded
      // only for an mbox, so that commands on Maildir or .eml files start without it.
      // The default export, not the named one: the bundle gives this CommonJS package no other
      // (a named import read undefined, and every mbox failed in the built CLI).
      const { mboxReader } = (await import('mbox-reader')).default;
      let n = 0;
      for await (const m of mboxReader(createReadStream(file))) {
        n++;
        yield { origin: `mbox:${file}#${n}`, raw: m.content };
      }
    },
  };
}

export function emlSource(file: string): MessageSource {
  return {
    name: `eml:${file}`,
    async *messages() {
      yield { origin: `eml:${file}`, raw: readFileSync(file) };
    },
  };
}

export function stdinSource(stdin: NodeJS.ReadableStream = process.stdin): MessageSource {
  return {
    name: 'stdin',
    async *messages() {
      const chunks: Buffer[] = [];
      for await (const c of stdin) chunks.push(typeof c === 'string' ? Buffer.from(c) : c);
      yield { origin: 'stdin', raw: Buffer.concat(chunks) };
    },
  };
}

/** Tells a Maildir folder, an mbox file and a single message apart by looking at them. */
export function detectSourceType(path: string): SourceType {
  if (path === '-') return 'stdin';
  let st;
  try {
    st = statSync(path);
  } catch (err) {
    throw new KansokuError('SOURCE_UNREADABLE', 'mail', `${path}: ${(err as Error).message}`, { cause: err });
  }
  if (st.isDirectory()) return 'maildir';
  return fileHead(path, 5).toString('latin1') === 'From ' ? 'mbox' : 'eml';
}

export function openSource(type: SourceType, path: string): MessageSource {
  switch (type) {
    case 'maildir':
      return maildirSource(path);
    case 'mbox':
      return mboxSource(path);
    case 'eml':
      return emlSource(path);
    case 'stdin':
      return stdinSource();
  }
}
