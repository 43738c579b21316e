import type { CommandSpec } from '../command-spec.ts';

const collect = (v: string, prev: string[] = []): string[] => [...prev, v];

export const containerPrune: CommandSpec = {
  group: 'container',
  name: 'prune',
  description: 'Remove all stopped containers',
  options: (c) =>
    c
      .option('-f, --force', 'do not prompt for confirmation')
      .option('--filter <filter>', 'provide filter values (e.g. "until=<timestamp>")', collect),
  run: async (ctx, _args, o) => {
    const { containerPruneCommand } = await import('../container/prune.ts');
    return containerPruneCommand(ctx, { force: o['force'] === true, filters: (o['filter'] as string[] | undefined) ?? [] });
  },
};
