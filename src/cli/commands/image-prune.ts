import type { CommandSpec } from '../command-spec.ts';

const collect = (v: string, prev: string[] = []): string[] => [...prev, v];

export const imagePrune: CommandSpec = {
  group: 'image',
  name: 'prune',
  description: 'Remove unused images',
  options: (c) =>
    c
      .option('-a, --all', 'remove all unused images, not just dangling ones')
      .option('-f, --force', 'do not prompt for confirmation')
      .option('--filter <filter>', 'provide filter values (e.g. "until=24h")', collect),
  run: async (ctx, _args, o) => {
    const { pruneCommand } = await import('../image/prune.ts');
    return pruneCommand(ctx, { all: o['all'] === true, force: o['force'] === true, filters: (o['filter'] as string[] | undefined) ?? [] });
  },
};
