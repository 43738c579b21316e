import type { CommandSpec } from '../command-spec.ts';

const collect = (v: string, prev: string[] = []): string[] => [...prev, v];

export const volumePrune: CommandSpec = {
  group: 'volume',
  name: 'prune',
  description: 'Remove unused local volumes',
  options: (c) =>
    c
      .option('-a, --all', 'remove all unused volumes, not just anonymous ones')
      .option('-f, --force', 'do not prompt for confirmation')
      .option('--filter <filter>', 'provide filter values (e.g. "label=<label>")', collect),
  run: async (ctx, _args, o) => {
    const { volumePruneCommand } = await import('../volume/volume.ts');
    return volumePruneCommand(ctx, { all: o['all'] === true, force: o['force'] === true, filters: (o['filter'] as string[] | undefined) ?? [] });
  },
};
