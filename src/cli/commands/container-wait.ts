import type { CommandSpec } from '../command-spec.ts';

export const containerWait: CommandSpec = {
  group: 'container',
  name: 'wait',
  args: '<containers...>',
  topLevel: ['wait'],
  description: 'Block until one or more containers stop, then print their exit codes',
  run: async (ctx, [refs]) => {
    const { waitCommand } = await import('../container/lifecycle-commands.ts');
    return waitCommand(ctx, refs as string[]);
  },
};
