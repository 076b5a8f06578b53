import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type * as OpenPgpModule from 'openpgp';
import type { PublicKey } from 'openpgp';

/** The members' public keys (auth.pgpKeyring), and what in it could not be read. */
export interface Keyring {
  keys: PublicKey[];
  problems: string[];
}

const BEGIN = '-----BEGIN PGP PUBLIC KEY BLOCK-----';
const END = '-----END PGP PUBLIC KEY BLOCK-----';

/**
 * The armored key blocks of a file: `gpg --export --armor` of several keys writes one block, keys
 * pasted one after another are several.
 */
function keyBlocks(text: string): string[] {
  const out: string[] = [];
  for (let at = text.indexOf(BEGIN); at >= 0; at = text.indexOf(BEGIN, at + 1)) {
    const end = text.indexOf(END, at);
    if (end < 0) break;
    out.push(text.slice(at, end + END.length));
    at = end;
  }
  return out;
}

/**
 * Read once per change of the file or folder (a folder's time changes when a key file is added,
 * removed or replaced by a rename), so that a running bot picks up a new member's key.
 */
const loaded = new Map<string, { mtime: number; keyring: Promise<Keyring> }>();

/** The keyring at `path`: an armored key file, or a folder of .asc files. */
export function keyringAt(path: string): Promise<Keyring> {
  let mtime = -1;
  try {
    mtime = statSync(path).mtimeMs;
  } catch {
    // Not there: load() says so.
  }
  const hit = loaded.get(path);
  if (hit?.mtime === mtime) return hit.keyring;
  const keyring = load(path);
  loaded.set(path, { mtime, keyring });
  return keyring;
}

type OpenPgp = typeof OpenPgpModule;
let library: Promise<OpenPgp> | undefined;

/**
 * openpgp.js, loaded on the first signed post: no command pays for it at start. Kept once loaded:
 * a module loader's hooks (tsx's, in the benchmarks) make every `import()` a round trip, 2 ms a post.
 */
export function openpgp(): Promise<OpenPgp> {
  return (library ??= import('openpgp'));
}

async function load(path: string): Promise<Keyring> {
  const { readKeys } = await openpgp();
  const keys: PublicKey[] = [];
  const problems: string[] = [];
  let files: string[];
  try {
    files = statSync(path).isDirectory()
      ? readdirSync(path)
          .filter((n) => n.endsWith('.asc'))
          .sort()
          .map((n) => join(path, n))
      : [path];
  } catch (err) {
    return { keys, problems: [`auth.pgpKeyring ${path}: not readable (${(err as Error).message})`] };
  }
  if (!files.length) problems.push(`auth.pgpKeyring ${path}: no .asc file in it`);
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      problems.push(`auth.pgpKeyring ${file}: not readable (${(err as Error).message})`);
      continue;
    }
    const blocks = keyBlocks(text);
    if (!blocks.length) problems.push(`auth.pgpKeyring ${file}: no armored public key block in it`);
    for (const armoredKeys of blocks) {
      try {
        keys.push(...(await readKeys({ armoredKeys })));
      } catch (err) {
        problems.push(`auth.pgpKeyring ${file}: a key block that does not read (${(err as Error).message})`);
      }
    }
  }
  return { keys, problems };
}
