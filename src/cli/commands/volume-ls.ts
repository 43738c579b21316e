import type { CommandSpec } from '../command-spec.ts';

const collect = (v: string, prev: string[] = []): string[] => [...prev, v];

export const volumeLs: CommandSpec = {
  group: 'volume',
  name: 'ls',
  aliases: ['list'],
  description: 'List volumes',
  options: (c) =>
    c
      .option('-q, --quiet', 'only display volume names')
      .option('-f, --filter <filter>', 'provide filter values (e.g. "dangling=true")', collect)
      .option('--format <format>', 'format output using a custom template: table, table TEMPLATE, json or TEMPLATE'),
  run: async (ctx, _args, o) => {
    const { volumeLsCommand } = await import('../volume/volume.ts');
    return volumeLsCommand(ctx, o as { quiet?: boolean; filter?: string[]; format?: string });
  },
};
