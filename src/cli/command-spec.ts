// One berth command: its names, options and the function that runs it. A command is one file in
// src/cli/commands/ exporting a CommandSpec, listed in commands/index.ts; its action imports
// the implementation lazily, so a call pays only for its own command's code.
import type { Command } from 'commander';
import type { CliContext } from './cli-context.ts';

export type CommandGroup = 'image' | 'container' | 'system' | 'volume' | 'network' | 'builder';

export interface CommandSpec {
  // `berth <group> <name>`; without a group the command is top-level only
  group?: CommandGroup;
  name: string;
  // arguments in commander's syntax: '<image>', '[repository]', '<source> <target>'
  args?: string;
  aliases?: string[];
  // top-level spellings of a grouped command (docker's `images`, `pull`, `rmi`)
  topLevel?: string[];
  description: string;
  options?(cmd: Command): void;
  // positional arguments as commander parsed them, then the options; returns the exit code
  run(ctx: CliContext, args: unknown[], opts: Record<string, unknown>): Promise<number | void>;
}
