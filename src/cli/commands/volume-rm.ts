import type { CommandSpec } from '../command-spec.ts';

export const volumeRm: CommandSpec = {
  group: 'volume',
  name: 'rm',
  aliases: ['remove'],
  args: '<volumes...>',
  description: 'Remove one or more volumes',
  options: (c) => c.option('-f, --force', 'force the removal of one or more volumes'),
  run: async (ctx, [names], o) => {
    const { volumeRmCommand } = await import('../volume/volume.ts');
    return volumeRmCommand(ctx, names as string[], o as { force?: boolean });
  },
};
