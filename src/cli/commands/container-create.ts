import type { CommandSpec } from '../command-spec.ts';
import { runFlags } from '../container/run-flags.ts';

export const containerCreate: CommandSpec = {
  group: 'container',
  name: 'create',
  args: '<image> [command...]',
  topLevel: ['create'],
  description: 'Create a new container',
  options: (c) => runFlags(c).passThroughOptions(),
  run: async (ctx, [image, command], o) => {
    const { createCommand } = await import('../container/run.ts');
    return createCommand(ctx, image as string, (command as string[]) ?? [], o);
  },
};
