import type { CommandSpec } from '../command-spec.ts';

export const imageInspect: CommandSpec = {
  group: 'image',
  name: 'inspect',
  args: '<images...>',
  description: 'Display detailed information on one or more images',
  options: (c) => c.option('-f, --format <format>', 'format output using a custom template'),
  run: async (ctx, [names], o) => {
    const { inspectCommand } = await import('../image/inspect.ts');
    return inspectCommand(ctx, names as string[], o['format'] as string | undefined);
  },
};
