import type { CommandSpec } from '../command-spec.ts';

const collect = (v: string, prev: string[] = []): string[] => [...prev, v];

export const images: CommandSpec = {
  group: 'image',
  name: 'ls',
  args: '[repository]',
  aliases: ['list'],
  topLevel: ['images'],
  description: 'List images',
  options: (c) =>
    c
      .option('-a, --all', 'show all images (default hides intermediate images)')
      .option('-q, --quiet', 'only show image IDs')
      .option('--digests', 'show digests')
      .option('--no-trunc', "don't truncate output")
      .option('-f, --filter <filter>', 'filter output based on conditions provided', collect)
      .option('--format <format>', 'format output using a custom template: table, table TEMPLATE, json or TEMPLATE'),
  run: async (ctx, [repository], o) => {
    const { imagesCommand } = await import('../image/images.ts');
    await imagesCommand(ctx, repository as string | undefined, { ...o, noTrunc: o['trunc'] === false });
  },
};
