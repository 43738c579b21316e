import type { CommandSpec } from '../command-spec.ts';

export const containerLogs: CommandSpec = {
  group: 'container',
  name: 'logs',
  args: '<container>',
  topLevel: ['logs'],
  description: 'Fetch the logs of a container',
  options: (c) =>
    c
      .option('-f, --follow', 'follow log output')
      .option('-n, --tail <n>', 'number of lines to show from the end of the logs', 'all')
      .option('--since <time>', 'show logs since a timestamp (2013-01-02T13:23:37Z) or relative (42m)')
      .option('--until <time>', 'show logs before a timestamp or relative')
      .option('-t, --timestamps', 'show timestamps')
      .option('--details', 'show extra details (accepted; berth has none)'),
  run: async (ctx, [ref], o) => {
    const { logsCommand } = await import('../container/logs.ts');
    await logsCommand(ctx, ref as string, o);
  },
};
