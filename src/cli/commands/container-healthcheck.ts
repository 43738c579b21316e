import type { CommandSpec } from '../command-spec.ts';

// Run by a container's monitor every health interval; a user may run it too, to check now.
export const containerHealthcheck: CommandSpec = {
  group: 'container',
  name: 'healthcheck',
  args: '<container>',
  description: "Run a container's health check once and record the result",
  run: async (ctx, [ref]) => {
    const { healthcheckCommand } = await import('../container/healthcheck.ts');
    return healthcheckCommand(ctx, ref as string);
  },
};
