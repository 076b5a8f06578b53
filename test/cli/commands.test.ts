import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command, Help } from 'commander';
import { describe, expect, it } from 'vitest';
import { commands, groups } from '../../src/cli/commands/index.ts';
import { kansoku, loadedSources, scratch } from '../helpers/cli.ts';
import { fixture, root } from '../helpers/paths.ts';

const commandDir = join(root, 'src', 'cli', 'commands');
/** `counters import` lives in counters-import.ts. */
const fileOf = (name: string) => `${name.replaceAll(' ', '-')}.ts`;
const oneLine = (s: string) => s.replace(/\s+/g, ' ');
const post = fixture('demo', 'maildir', 'cur', '1763601300.M1P100.demo:2,S');

/** The arguments of every `kansoku([...])` and `kansokuProcess([...])` call in the tests: literals, others as null. */
function cliCalls(): Array<Array<string | null>> {
  const files = readdirSync(join(root, 'test'), { recursive: true, encoding: 'utf8' }).filter((f) =>
    f.endsWith('.test.ts'),
  );
  return files.flatMap((f) =>
    [...readFileSync(join(root, 'test', f), 'utf8').matchAll(/\bkansoku(?:Process)?\(\s*\[([^\]]*)\]/g)].map((m) =>
      m[1]!
        .split(',')
        .map((e) => e.trim())
        .filter(Boolean)
        .map((e) => /^'([^']*)'$/.exec(e)?.[1] ?? null),
    ),
  );
}

describe('the command map', () => {
  it('names every file in src/cli/commands/, and every command in it has its file', () => {
    const files = readdirSync(commandDir).filter((f) => f !== 'index.ts');
    expect(commands.map((c) => fileOf(c.name)).sort()).toEqual(files.sort());
  });

  it('loads each command from its own file, which lists the arguments the map shows in --help', async () => {
    for (const entry of commands) {
      const mod = await entry.load();
      expect(mod, entry.name).toBe(await import(join(commandDir, fileOf(entry.name))));
      const cmd = new Command(entry.name.split(' ').pop());
      mod.define(cmd, () => undefined);
      expect(new Help().subcommandTerm(cmd), entry.name).toBe(
        entry.usage ? `${cmd.name()} ${entry.usage}` : cmd.name(),
      );
    }
  });

  it('has no command that no test runs', () => {
    const calls = cliCalls();
    const runs = (words: string[]) =>
      calls.some((args) => args.some((_, i) => words.every((w, j) => args[i + j] === w)));
    expect(commands.filter((c) => !runs(c.name.split(' '))).map((c) => c.name)).toEqual([]);
  });
});

describe('kansoku --help', () => {
  const cwd = scratch();

  it('lists every command with its description, loading no command and nothing but commander', () => {
    const top = kansoku(['--help'], cwd);
    expect(top.code).toBe(0);
    const group = kansoku(['counters', '--help'], cwd);
    expect(group.code).toBe(0);
    for (const c of commands) {
      const words = c.name.split(' ');
      const help = words.length > 1 ? group.stdout : top.stdout;
      const term = `${words[words.length - 1]}${c.usage ? ` ${c.usage}` : ''}`;
      expect(oneLine(help), c.name).toContain(` ${term} ${c.description}`);
    }
    for (const [name, description] of Object.entries(groups))
      expect(oneLine(top.stdout)).toContain(` ${name} ${description}`);
    expect(loadedSources(['--help'], cwd).filter((f) => !f.startsWith('node_modules/commander/'))).toEqual([
      'bin/kansoku.js',
      'src/cli/commands/index.ts',
      'src/cli/main.ts',
      'src/errors.ts',
      'src/package-root.ts',
    ]);
  });

  it("shows a command's own arguments and options, as CMD --help and as help CMD", () => {
    const extract = kansoku(['extract', '--help'], cwd);
    expect(extract).toMatchObject({ code: 0, stderr: '' });
    expect(extract.stdout).toMatch(/^Usage: kansoku extract \[options\] <file>$/m);
    expect(extract.stdout).toMatch(/^ {2}--json +print the Report as JSON/m);
    expect(kansoku(['help', 'extract'], cwd).stdout).toBe(extract.stdout);
    const imp = kansoku(['--db', 'x.sqlite', 'counters', 'import', '--help'], cwd);
    expect(imp.stdout).toMatch(/^ {2}--sensor <name> +the sensor these logs come from/m);
    expect(kansoku(['counters', 'help', 'import'], cwd).stdout).toBe(imp.stdout);
  });
});

describe('what a command loads', () => {
  it('extract reads one message without the store, mailbox, sending, drafting or digest code', () => {
    const loaded = loadedSources(['extract', post, '--json'], scratch());
    expect(loaded).toContain('src/extract/report.ts');
    const heavy = [
      ...[
        'imapflow',
        'vega',
        'vega-lite',
        '@resvg/resvg-js',
        'handlebars',
        'mbox-reader',
        'nodemailer/lib/smtp-transport',
        // Only for a signed post: src/mail/signature.ts imports it when it meets one.
        'openpgp',
      ],
      // It opens no store, so the store's native drivers stay unloaded too.
      ...['better-sqlite3', '@napi-rs/blake-hash'],
    ];
    const stages = [
      ...['src/pipeline/', 'src/digest/', 'src/draft/', 'src/outbound/', 'src/mail/imap.ts'],
      ...['src/store/index.ts', 'src/store/db.ts'],
    ];
    expect(loaded.filter((f) => heavy.some((p) => f.startsWith(`node_modules/${p}/`)))).toEqual([]);
    expect(loaded.filter((f) => stages.some((p) => f.startsWith(p)))).toEqual([]);
  });

  it('extract loads openpgp for a signed post, and prints who signed it and whether it verified', () => {
    const cwd = scratch();
    writeFileSync(join(cwd, 'kansoku.yaml'), `auth:\n  pgpKeyring: ${fixture('pgp', 'keyring')}\n`);
    const signed = fixture('pgp', 'clearsigned-report.eml');
    expect(loadedSources(['extract', signed], cwd).some((f) => f.includes('node_modules/openpgp/'))).toBe(true);
    const r = kansoku(['extract', signed], cwd);
    expect(r.stdout).toContain(
      'signature: signed by Hanako Sato <hanako@isp-a.example> (key 0xACF2121C9FB36B69), verified',
    );
    const json = JSON.parse(kansoku(['extract', signed, '--json'], cwd).stdout) as Record<string, unknown>;
    expect(json['signature']).toMatchObject({ kind: 'cleartext', status: 'verified', keyId: 'ACF2121C9FB36B69' });
    expect(json['logLines']).toHaveLength(2);
  });
});
