import type { CommandSpec } from '../command-spec.ts';

export const pull: CommandSpec = {
  group: 'image',
  name: 'pull',
  args: '<name>',
  topLevel: ['pull'],
  description: 'Download an image from a registry',
  options: (c) =>
    c
      .option('--platform <os/arch[/variant]>', 'pull the image for this platform')
      .option('-q, --quiet', 'suppress verbose output')
      .option('-a, --all-tags', 'download all tagged images in the repository')
      .option('--disable-content-trust', 'skip image verification (accepted; berth has no content trust)'),
  run: async (ctx, [name], o) => {
    const { pullCommand } = await import('../image/pull.ts');
    await pullCommand(ctx, name as string, o);
  },
};
