import type { CommandSpec } from '../command-spec.ts';

export const containerInspect: CommandSpec = {
  group: 'container',
  name: 'inspect',
  args: '<containers...>',
  description: 'Display detailed information on one or more containers',
  options: (c) => c.option('-f, --format <format>', 'format output using a custom template'),
  run: async (ctx, [refs], o) => {
    const { containerInspectCommand } = await import('../container/inspect.ts');
    return containerInspectCommand(ctx, refs as string[], o);
  },
};
