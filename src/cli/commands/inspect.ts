import type { CommandSpec } from '../command-spec.ts';

export const inspect: CommandSpec = {
  name: 'inspect',
  args: '<names...>',
  description: 'Return low-level information on containers or images',
  options: (c) => c.option('-f, --format <format>', 'format output using a custom template').option('--type <type>', 'return JSON for the specified type: container or image'),
  run: async (ctx, [names], o) => {
    const { inspectAnyCommand } = await import('../container/inspect-any.ts');
    return inspectAnyCommand(ctx, names as string[], o);
  },
};
