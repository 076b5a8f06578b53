import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Command, CommanderError, Help, Option } from 'commander';
import { KansokuError } from '../errors.ts';
import { packageRoot } from '../package-root.ts';
import { commands, groups, type CommandEntry } from './commands/index.ts';
import type { Print } from './context.ts';

const VERSION = (JSON.parse(readFileSync(resolve(packageRoot, 'package.json'), 'utf8')) as { version: string }).version;

/**
 * The program with every command of the map named and described, and the one that `args` call
 * loaded: its options for `kansoku CMD --help`, its action for a run. `kansoku --help` loads none.
 */
export async function buildProgram(
  args: string[],
  out: (s: string) => void = (s) => process.stdout.write(s),
): Promise<Command> {
  const program = new Command('kansoku')
    .description(
      'Reads sensor reports on a security trust list, checks them against your own counters, ' +
        'and drafts bilingual (JA/EN) replies for review.',
    )
    .option('--config <file>', 'config file (default: ./kansoku.yaml if present, else the embedded demo)')
    .option(
      '--db <file|url>',
      'store to use instead of the configured one: a SQLite file or a postgres:// URL (also KANSOKU_DB)',
    )
    .addOption(
      new Option(
        '--log-level <level>',
        'structured log events on stderr from this level (default: $KANSOKU_LOG_LEVEL or warn)',
      ).choices(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']),
    )
    .version(
      `kansoku ${VERSION}\nCountry data: this product includes IP2Location LITE data available from ` +
        'https://lite.ip2location.com (CC BY-SA 4.0).',
      '-V, --version',
    )
    .showHelpAfterError()
    .exitOverride();
  const print: Print = (s) => out(s.endsWith('\n') ? s : `${s}\n`);

  const made = new Map<CommandEntry, Command>();
  // The listing of commands shows each one's arguments; those of a command not loaded come from the map.
  const terms = new Map<Command, string>();
  const defaults = new Help();
  program.configureHelp({ subcommandTerm: (cmd) => terms.get(cmd) ?? defaults.subcommandTerm(cmd) });
  for (const entry of commands) {
    const words = entry.name.split(' ');
    let parent = program;
    for (const word of words.slice(0, -1)) parent = group(parent, word);
    const cmd = parent
      .command(words[words.length - 1]!)
      .description(entry.description)
      .action(() => {
        // Only reached if called() and commander ever disagree on which command runs.
        throw new Error(`command "${entry.name}" ran without its file being loaded`);
      });
    made.set(entry, cmd);
    terms.set(cmd, entry.usage ? `${cmd.name()} ${entry.usage}` : cmd.name());
  }
  const entry = called(program, args);
  if (entry) (await entry.load()).define(made.get(entry)!, print);
  return program;
}

function group(parent: Command, name: string): Command {
  const description = groups[name];
  if (description === undefined) throw new Error(`command group "${name}" is not in the map's groups`);
  return parent.commands.find((c) => c.name() === name) ?? parent.command(name).description(description);
}

/**
 * The command that `args` call, read as commander reads them: the program's own options (and the
 * values of those that take one) may come anywhere, and `help CMD` asks for CMD's help.
 */
export function called(program: Command, args: string[]): CommandEntry | undefined {
  const valued = new Set(
    program.options.filter((o) => o.required || o.optional).flatMap((o) => [o.long, o.short].filter(Boolean)),
  );
  const words: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (valued.has(a)) i++;
    else if (a.startsWith('-')) continue;
    else if (a === 'help' && (words.length === 0 || (words.length === 1 && Object.hasOwn(groups, words[0]!)))) continue;
    else words.push(a);
  }
  return commands.find((c) => {
    const w = c.name.split(' ');
    return w.every((word, i) => words[i] === word);
  });
}

/** Runs the CLI and returns the process exit code. */
export async function main(argv: string[], out?: (s: string) => void): Promise<number> {
  try {
    const program = await buildProgram(argv.slice(2), out);
    await program.parseAsync(argv);
    // A command that went on after a partial failure (an IMAP catch-up, say) has set the code.
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode;
    if (err instanceof KansokuError) {
      process.stderr.write(`kansoku: ${err.message}\n`);
      if (err.code === 'USAGE') return 64;
      return err.code === 'CONFIG_INVALID' || err.code === 'CONFIG_UNREADABLE' ? 78 : 1;
    }
    process.stderr.write(`kansoku: unexpected error: ${(err as Error).stack ?? String(err)}\n`);
    return 70;
  }
}
