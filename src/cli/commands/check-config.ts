import type { Command } from 'commander';
import { context, type Print } from '../context.ts';

export function define(cmd: Command, print: Print): void {
  cmd.action((_opts: unknown, cmd: Command) => {
    const ctx = context(cmd, print);
    print(`config OK: ${ctx.loaded.embedded ? 'embedded demo default' : ctx.loaded.path}`);
  });
}
