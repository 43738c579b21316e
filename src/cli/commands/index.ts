// Every berth command, one file each. A new command is a new file in this folder plus its line
// here (commands.test.ts fails when a file is missing from this list).
import type { CommandSpec } from '../command-spec.ts';
import { pull } from './pull.ts';

export const commands: CommandSpec[] = [pull];
