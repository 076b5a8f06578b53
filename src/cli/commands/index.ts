/**
 * Every command of the CLI, in the order `kansoku --help` lists them. `kansoku --help` is built from
 * this map alone; a command's own file (its arguments, options and action, and with them the
 * modules it needs) is loaded only when that command runs or shows its help. A new command is a
 * file in this folder plus one line here; test/cli/commands.test.ts holds the two in step.
 */
import type { Command } from 'commander';
import type { Print } from '../context.ts';

export interface CommandModule {
  /** Adds the command's arguments, options and action to `cmd`, which the map has named and described. */
  define(cmd: Command, print: Print): void;
}

export interface CommandEntry {
  /** The words that call it; a command inside a group (`counters import`) lives in `counters-import.ts`. */
  name: string;
  /**
   * Its arguments as `kansoku --help` lists them (`[options] <file>`), without loading the file;
   * test/cli/commands.test.ts checks it against what the file defines.
   */
  usage: string;
  description: string;
  load(): Promise<CommandModule>;
}

/** Commands that only group others; `kansoku counters` alone prints the group's help. */
export const groups: Record<string, string> = {
  counters: 'the local hourly counters',
};

export const commands: CommandEntry[] = [
  {
    name: 'run',
    usage: '[options] [paths...]',
    description:
      'import the configured sensor logs, then process every new message of the configured sources ' +
      '(or of PATHs) once',
    load: () => import('./run.ts'),
  },
  {
    name: 'send',
    usage: '[options]',
    description: 'send approved drafts and review requests now (the daemon does this every two seconds)',
    load: () => import('./send.ts'),
  },
  {
    name: 'extract',
    usage: '[options] <file>',
    description: 'print what one message claims: ports, log lines, counts, TLP',
    load: () => import('./extract.ts'),
  },
  {
    name: 'correlate',
    usage: '[options] <file>',
    description: "check one message's claims against the stored counters",
    load: () => import('./correlate.ts'),
  },
  {
    name: 'detect',
    usage: '[options]',
    description: 'find local anomalies in the stored counters: rises, bursts, ports waking up, backscatter',
    load: () => import('./detect.ts'),
  },
  {
    name: 'counters import',
    usage: '[options] [files...]',
    description: 'parse sensor / firewall logs and add them to the hourly counters (stdin when no FILE is given)',
    load: () => import('./counters-import.ts'),
  },
  {
    name: 'counters stats',
    usage: '[options]',
    description:
      'the hourly rollups as a table: events, distinct sources, targets and /24s, SYN-only share, top countries',
    load: () => import('./counters-stats.ts'),
  },
  {
    name: 'counters follow',
    usage: '[options] <file>',
    description: 'follow a log file as it grows and is rotated (like tail -F), until SIGTERM',
    load: () => import('./counters-follow.ts'),
  },
  {
    name: 'counters listen',
    usage: '[options]',
    description: 'receive syslog (RFC 3164 / 5424) on UDP and/or TCP into the counters, until SIGTERM',
    load: () => import('./counters-listen.ts'),
  },
  {
    name: 'counters prune',
    usage: '',
    description: 'drop rollups and raw events past their retention (the daemon does this daily)',
    load: () => import('./counters-prune.ts'),
  },
  {
    name: 'counters status',
    usage: '[options]',
    description: 'what the counters hold',
    load: () => import('./counters-status.ts'),
  },
  { name: 'drafts', usage: '[options]', description: 'list drafts', load: () => import('./drafts.ts') },
  {
    name: 'show',
    usage: '[options] <id>',
    description: 'print one draft with its history',
    load: () => import('./show.ts'),
  },
  {
    name: 'explain',
    usage: '[options] <message-id>',
    description: 'why a message got a draft, or why not: the Decision each step of the pipeline added to',
    load: () => import('./explain.ts'),
  },
  {
    name: 'desk',
    usage: '[options]',
    description:
      'serve the review desk, a local web page to read, edit, approve and reject drafts; prints a one-time login link',
    load: () => import('./desk.ts'),
  },
  {
    name: 'edit',
    usage: '[options] <id>',
    description:
      'change a draft in $EDITOR; the outbound gate checks it, and it is stored as a new revision with a diff',
    load: () => import('./edit.ts'),
  },
  {
    name: 'approve',
    usage: '[options] <id>',
    description: 'approve a draft for sending (recorded with who and when); it goes after review.sendDelaySeconds',
    load: () => import('./approve.ts'),
  },
  {
    name: 'reject',
    usage: '[options] <id>',
    description: 'reject a draft, or take back an approval that has not been sent yet (recorded with who and when)',
    load: () => import('./reject.ts'),
  },
  {
    name: 'release',
    usage: '[options] <id>',
    description: 'release a held draft (it named our own networks, or the outbound gate refused it) for review',
    load: () => import('./release.ts'),
  },
  {
    name: 'events',
    usage: '[options]',
    description: 'list events (one incident per proto/port and time window) with their tally of sightings',
    load: () => import('./events.ts'),
  },
  {
    name: 'event',
    usage: '[options] <id>',
    description: 'show one event: its posts, our findings and the sightings',
    load: () => import('./event.ts'),
  },
  {
    name: 'digest',
    usage: '[options]',
    description:
      'render the weekly digest of any week; it goes to review like any draft (unless send.autoSend allows digests)',
    load: () => import('./digest.ts'),
  },
  {
    name: 'overview',
    usage: '[options]',
    description:
      'render the daily port-scan overview of any day; it goes to review like any draft ' +
      '(unless send.autoSend allows overviews)',
    load: () => import('./overview.ts'),
  },
  {
    name: 'check-config',
    usage: '',
    description: 'validate the config and print where it came from',
    load: () => import('./check-config.ts'),
  },
];
