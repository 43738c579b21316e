import type { CommandSpec } from '../command-spec.ts';

export const volumeInspect: CommandSpec = {
  group: 'volume',
  name: 'inspect',
  args: '<volumes...>',
  description: 'Display detailed information on one or more volumes',
  options: (c) => c.option('-f, --format <format>', 'format output using a custom template'),
  run: async (ctx, [names], o) => {
    const { volumeInspectCommand } = await import('../volume/volume.ts');
    return volumeInspectCommand(ctx, names as string[], o as { format?: string });
  },
};
