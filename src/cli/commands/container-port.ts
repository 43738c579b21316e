import type { CommandSpec } from '../command-spec.ts';

export const containerPort: CommandSpec = {
  group: 'container',
  name: 'port',
  args: '<container> [port]',
  topLevel: ['port'],
  description: 'List port mappings or a specific mapping for the container',
  run: async (ctx, [ref, port]) => {
    const { portCommand } = await import('../container/port.ts');
    return portCommand(ctx, ref as string, port as string | undefined);
  },
};
