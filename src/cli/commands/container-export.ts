import type { CommandSpec } from '../command-spec.ts';

export const containerExport: CommandSpec = {
  group: 'container',
  name: 'export',
  args: '<container>',
  topLevel: ['export'],
  description: "Export a container's filesystem as a tar archive",
  options: (c) => c.option('-o, --output <file>', 'write to a file, instead of STDOUT'),
  run: async (ctx, [ref], o) => {
    const { exportCommand } = await import('../container/export.ts');
    return exportCommand(ctx, ref as string, { ...(o['output'] !== undefined ? { output: o['output'] as string } : {}) });
  },
};
