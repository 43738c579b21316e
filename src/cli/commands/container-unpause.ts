import type { CommandSpec } from '../command-spec.ts';

export const containerUnpause: CommandSpec = {
  group: 'container',
  name: 'unpause',
  args: '<containers...>',
  topLevel: ['unpause'],
  description: 'Unpause all processes within one or more containers',
  run: async (ctx, [refs]) => {
    const { unpauseCommand } = await import('../container/pause.ts');
    return unpauseCommand(ctx, refs as string[]);
  },
};
