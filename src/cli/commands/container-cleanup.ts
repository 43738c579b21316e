import type { CommandSpec } from '../command-spec.ts';

// Run by a container's monitor when its process exits (the exit command); not for users.
export const containerCleanup: CommandSpec = {
  group: 'container',
  name: 'cleanup',
  args: '<id>',
  description: '(internal) record a container\'s exit and apply --rm or its restart policy',
  run: async (ctx, [id]) => {
    const { cleanupCommand } = await import('../container/lifecycle-commands.ts');
    return cleanupCommand(ctx, id as string);
  },
};
