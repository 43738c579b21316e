import type { CommandSpec } from '../command-spec.ts';

export const containerRm: CommandSpec = {
  group: 'container',
  name: 'rm',
  args: '<containers...>',
  aliases: ['remove'],
  topLevel: ['rm'],
  description: 'Remove one or more containers',
  options: (c) => c.option('-f, --force', 'force the removal of a running container (uses SIGKILL)').option('-v, --volumes', 'remove anonymous volumes associated with the container'),
  run: async (ctx, [refs], o) => {
    const { rmCommand } = await import('../container/lifecycle-commands.ts');
    return rmCommand(ctx, refs as string[], o);
  },
};
