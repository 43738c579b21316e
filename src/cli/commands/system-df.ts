import type { CommandSpec } from '../command-spec.ts';

export const systemDf: CommandSpec = {
  group: 'system',
  name: 'df',
  description: 'Show disk usage',
  options: (c) => c.option('-v, --verbose', 'show detailed information on space usage').option('--format <format>', 'format output using a custom template'),
  run: async (ctx, _args, o) => {
    const { dfCommand } = await import('../image/system-df.ts');
    await dfCommand(ctx, { verbose: o['verbose'] === true, format: o['format'] as string | undefined });
  },
};
