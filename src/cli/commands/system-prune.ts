import type { CommandSpec } from '../command-spec.ts';

const collect = (v: string, prev: string[] = []): string[] => [...prev, v];

export const systemPrune: CommandSpec = {
  group: 'system',
  name: 'prune',
  description: 'Remove unused data',
  options: (c) =>
    c
      .option('-a, --all', 'remove all unused images not just dangling ones')
      .option('-f, --force', 'do not prompt for confirmation')
      .option('--volumes', 'prune anonymous volumes')
      .option('--filter <filter>', 'provide filter values (e.g. "label=<key>=<value>")', collect),
  run: async (ctx, _args, o) => {
    const { systemPruneCommand } = await import('../system/prune.ts');
    return systemPruneCommand(ctx, { all: o['all'] === true, volumes: o['volumes'] === true, force: o['force'] === true, filters: (o['filter'] as string[] | undefined) ?? [] });
  },
};
