import type { CommandSpec } from '../command-spec.ts';

export const containerStart: CommandSpec = {
  group: 'container',
  name: 'start',
  args: '<containers...>',
  topLevel: ['start'],
  description: 'Start one or more stopped containers',
  options: (c) => c.option('-a, --attach', 'attach STDOUT/STDERR and forward signals').option('-i, --interactive', "attach container's STDIN").option('--detach-keys <keys>', 'override the key sequence for detaching a container (default "ctrl-p,ctrl-q")'),
  run: async (ctx, [refs], o) => {
    const { startCommand } = await import('../container/lifecycle-commands.ts');
    return startCommand(ctx, refs as string[], o);
  },
};
