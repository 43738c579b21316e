import type { CommandSpec } from '../command-spec.ts';

const collect = (v: string, prev: string[] = []): string[] => [...prev, v];

export const volumeCreate: CommandSpec = {
  group: 'volume',
  name: 'create',
  args: '[name]',
  description: 'Create a volume',
  options: (c) =>
    c
      .option('-d, --driver <driver>', 'specify volume driver name (only "local")', 'local')
      .option('--label <label>', 'set metadata for a volume', collect)
      .option('-o, --opt <option>', 'set driver specific options', collect)
      .option('--name <name>', 'specify volume name'),
  run: async (ctx, [name], o) => {
    const { volumeCreateCommand } = await import('../volume/volume.ts');
    return volumeCreateCommand(ctx, name as string | undefined, o as { driver?: string; label?: string[]; opt?: string[]; name?: string });
  },
};
