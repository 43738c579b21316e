import type { CommandSpec } from '../command-spec.ts';

export const history: CommandSpec = {
  group: 'image',
  name: 'history',
  args: '<image>',
  topLevel: ['history'],
  description: 'Show the history of an image',
  options: (c) =>
    c
      .option('-H, --human [bool]', 'print sizes and dates in human readable format', 'true')
      .option('-q, --quiet', 'only show image IDs')
      .option('--no-trunc', "don't truncate output")
      .option('--format <format>', 'format output using a custom template'),
  run: async (ctx, [name], o) => {
    const { historyCommand } = await import('../image/history.ts');
    await historyCommand(ctx, name as string, { human: o['human'] !== 'false', quiet: o['quiet'] === true, noTrunc: o['trunc'] === false, format: o['format'] as string | undefined });
  },
};
