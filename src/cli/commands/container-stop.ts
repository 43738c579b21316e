import type { CommandSpec } from '../command-spec.ts';

export const containerStop: CommandSpec = {
  group: 'container',
  name: 'stop',
  args: '<containers...>',
  topLevel: ['stop'],
  description: 'Stop one or more running containers',
  options: (c) => c.option('-t, --time <seconds>', 'seconds to wait before killing the container').option('-s, --signal <signal>', 'signal to send to the container'),
  run: async (ctx, [refs], o) => {
    const { stopCommand } = await import('../container/lifecycle-commands.ts');
    return stopCommand(ctx, refs as string[], o);
  },
};
