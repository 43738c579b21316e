import type { CommandSpec } from '../command-spec.ts';

export const containerPause: CommandSpec = {
  group: 'container',
  name: 'pause',
  args: '<containers...>',
  topLevel: ['pause'],
  description: 'Pause all processes within one or more containers',
  run: async (ctx, [refs]) => {
    const { pauseCommand } = await import('../container/pause.ts');
    return pauseCommand(ctx, refs as string[]);
  },
};
