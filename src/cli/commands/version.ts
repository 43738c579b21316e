import type { CommandSpec } from '../command-spec.ts';

export const version: CommandSpec = {
  name: 'version',
  description: 'Show the berth version information',
  options: (c) => c.option('-f, --format <format>', 'format output using a custom template: json or TEMPLATE'),
  run: async (ctx, _args, o) => {
    const { versionCommand } = await import('../system/version.ts');
    return versionCommand(ctx, o as { format?: string });
  },
};
