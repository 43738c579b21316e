import type { CommandSpec } from '../command-spec.ts';

export const containerDiff: CommandSpec = {
  group: 'container',
  name: 'diff',
  args: '<container>',
  topLevel: ['diff'],
  description: "Inspect changes to files or directories on a container's filesystem",
  run: async (ctx, [ref]) => {
    const { diffCommand } = await import('../container/diff.ts');
    return diffCommand(ctx, ref as string);
  },
};
