import type { CommandSpec } from '../command-spec.ts';

export const systemInfo: CommandSpec = {
  group: 'system',
  name: 'info',
  topLevel: ['info'],
  description: 'Display system-wide information',
  options: (c) => c.option('-f, --format <format>', 'format output using a custom template: json or TEMPLATE'),
  run: async (ctx, _args, o) => {
    const { infoCommand } = await import('../system/info.ts');
    return infoCommand(ctx, o as { format?: string });
  },
};
