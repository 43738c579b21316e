import type { CommandSpec } from '../command-spec.ts';

export const push: CommandSpec = {
  group: 'image',
  name: 'push',
  args: '<name>',
  topLevel: ['push'],
  description: 'Upload an image to a registry',
  options: (c) =>
    c
      .option('-q, --quiet', 'suppress verbose output')
      .option('-a, --all-tags', 'push all tags of the repository')
      .option('--disable-content-trust', 'skip image signing (accepted; berth has no content trust)'),
  run: async (ctx, [name], o) => {
    const { pushCommand } = await import('../image/push.ts');
    await pushCommand(ctx, name as string, { quiet: o['quiet'] === true, allTags: o['allTags'] === true });
  },
};
