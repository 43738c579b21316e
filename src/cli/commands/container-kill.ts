import type { CommandSpec } from '../command-spec.ts';

export const containerKill: CommandSpec = {
  group: 'container',
  name: 'kill',
  args: '<containers...>',
  topLevel: ['kill'],
  description: 'Kill one or more running containers',
  options: (c) => c.option('-s, --signal <signal>', 'signal to send to the container', 'KILL'),
  run: async (ctx, [refs], o) => {
    const { killCommand } = await import('../container/lifecycle-commands.ts');
    return killCommand(ctx, refs as string[], o);
  },
};
