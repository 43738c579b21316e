import type { CommandSpec } from '../command-spec.ts';

export const containerUpdate: CommandSpec = {
  group: 'container',
  name: 'update',
  args: '<containers...>',
  topLevel: ['update'],
  description: 'Update configuration of one or more containers',
  options: (c) =>
    c
      .option('--blkio-weight <n>', 'block IO (relative weight), between 10 and 1000, or 0 to disable')
      .option('--cpu-period <us>', 'limit CPU CFS (Completely Fair Scheduler) period')
      .option('--cpu-quota <us>', 'limit CPU CFS (Completely Fair Scheduler) quota')
      .option('--cpuset-cpus <list>', 'CPUs in which to allow execution (0-3, 0,1)')
      .option('--cpuset-mems <list>', 'MEMs in which to allow execution (0-3, 0,1)')
      .option('-c, --cpu-shares <n>', 'CPU shares (relative weight)')
      .option('--cpus <number>', 'number of CPUs')
      .option('-m, --memory <bytes>', 'memory limit')
      .option('--memory-reservation <bytes>', 'memory soft limit')
      .option('--memory-swap <bytes>', 'swap limit equal to memory plus swap: -1 to enable unlimited swap')
      .option('--pids-limit <n>', 'tune container pids limit (set -1 for unlimited)')
      .option('--restart <policy>', 'restart policy to apply when a container exits'),
  run: async (ctx, [refs], o) => {
    const { updateCommand } = await import('../container/update.ts');
    return updateCommand(ctx, refs as string[], o);
  },
};
