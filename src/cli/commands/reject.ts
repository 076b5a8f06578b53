import type { Command } from 'commander';
import type { Print } from '../context.ts';
import { defineDecision } from '../decide.ts';

export function define(cmd: Command, print: Print): void {
  defineDecision(cmd, print, 'reject');
}
