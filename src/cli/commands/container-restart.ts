import type { CommandSpec } from '../command-spec.ts';

export const containerRestart: CommandSpec = {
  group: 'container',
  name: 'restart',
  args: '<containers...>',
  topLevel: ['restart'],
  description: 'Restart one or more containers',
  options: (c) => c.option('-t, --time <seconds>', 'seconds to wait before killing the container'),
  run: async (ctx, [refs], o) => {
    const { restartCommand } = await import('../container/lifecycle-commands.ts');
    return restartCommand(ctx, refs as string[], o);
  },
};
