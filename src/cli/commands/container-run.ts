import type { CommandSpec } from '../command-spec.ts';
import { runFlags } from '../container/run-flags.ts';
import { mark } from '../../lib/trace.ts';

export const containerRun: CommandSpec = {
  group: 'container',
  name: 'run',
  args: '<image> [command...]',
  topLevel: ['run'],
  description: 'Create and run a new container from an image',
  options: (c) => runFlags(c).passThroughOptions(),
  run: async (ctx, [image, command], o) => {
    mark('cli: run parsed');
    const { runCommand } = await import('../container/run.ts');
    mark('cli: run module loaded');
    return runCommand(ctx, image as string, (command as string[]) ?? [], o);
  },
};
