import type { CommandSpec } from '../command-spec.ts';

export const rmi: CommandSpec = {
  group: 'image',
  name: 'rm',
  args: '<images...>',
  aliases: ['remove'],
  topLevel: ['rmi'],
  description: 'Remove one or more images',
  options: (c) => c.option('-f, --force', 'force removal of the image').option('--no-prune', 'do not delete untagged parents (accepted; berth images have no parents)'),
  run: async (ctx, [names], o) => {
    const { rmiCommand } = await import('../image/rmi.ts');
    return rmiCommand(ctx, names as string[], { force: o['force'] === true });
  },
};
