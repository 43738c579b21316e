import type { CommandSpec } from '../command-spec.ts';

const collect = (v: string, prev: string[] = []): string[] => [...prev, v];

export const containerPs: CommandSpec = {
  group: 'container',
  name: 'ls',
  aliases: ['ps', 'list'],
  topLevel: ['ps'],
  description: 'List containers',
  options: (c) =>
    c
      .option('-a, --all', 'show all containers (default shows just running)')
      .option('-q, --quiet', 'only display container IDs')
      .option('-n, --last <n>', 'show n last created containers (includes all states)')
      .option('-l, --latest', 'show the latest created container (includes all states)')
      .option('-s, --size', 'display total file sizes')
      .option('--no-trunc', "don't truncate output")
      .option('-f, --filter <filter>', 'filter output based on conditions provided', collect)
      .option('--format <format>', 'format output using a custom template: table, table TEMPLATE, json or TEMPLATE'),
  run: async (ctx, _args, o) => {
    const { psCommand } = await import('../container/ps.ts');
    await psCommand(ctx, { ...o, noTrunc: o['trunc'] === false });
  },
};
