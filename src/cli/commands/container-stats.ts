import type { CommandSpec } from '../command-spec.ts';

const collect = (v: string, prev: string[] = []): string[] => [...prev, v];

export const containerStats: CommandSpec = {
  group: 'container',
  name: 'stats',
  args: '[containers...]',
  topLevel: ['stats'],
  description: 'Display a live stream of container(s) resource usage statistics',
  options: (c) =>
    c
      .option('-a, --all', 'show all containers (default shows just running)')
      .option('--no-stream', 'disable streaming stats and only pull the first result')
      .option('--no-trunc', 'do not truncate output')
      .option('-f, --filter <filter>', 'filter output based on conditions provided (label=...)', collect)
      .option('--format <format>', 'format output using a custom template: table, table TEMPLATE, json or TEMPLATE'),
  run: async (ctx, [refs], o) => {
    const { statsCommand } = await import('../container/stats.ts');
    return statsCommand(ctx, (refs as string[] | undefined) ?? [], {
      all: o['all'] === true,
      noStream: o['stream'] === false,
      noTrunc: o['trunc'] === false,
      ...(o['format'] !== undefined ? { format: o['format'] as string } : {}),
      ...(o['filter'] !== undefined ? { filter: o['filter'] as string[] } : {}),
    });
  },
};
