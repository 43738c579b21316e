import type { CommandSpec } from '../command-spec.ts';

export const containerRename: CommandSpec = {
  group: 'container',
  name: 'rename',
  args: '<container> <new-name>',
  topLevel: ['rename'],
  description: 'Rename a container',
  run: async (ctx, [ref, name]) => {
    const [{ renameContainer }, { engineFor }, { daemonCall }] = await Promise.all([
      import('../../engine/workflow.ts'),
      import('../container/engine-for.ts'),
      import('../container/daemon-error.ts'),
    ]);
    return daemonCall(() => renameContainer(engineFor(ctx), ref as string, name as string));
  },
};
