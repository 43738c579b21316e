import type { CommandSpec } from '../command-spec.ts';

export const containerTop: CommandSpec = {
  group: 'container',
  name: 'top',
  args: '<container> [ps-options...]',
  topLevel: ['top'],
  description: 'Display the running processes of a container',
  options: (c) => c.passThroughOptions().allowUnknownOption(),
  run: async (ctx, [ref, psArgs]) => {
    const { topCommand } = await import('../container/top.ts');
    return topCommand(ctx, ref as string, (psArgs as string[] | undefined) ?? []);
  },
};
