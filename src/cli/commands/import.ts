import type { CommandSpec } from '../command-spec.ts';

const collect = (v: string, prev: string[] = []): string[] => [...prev, v];

export const importCmd: CommandSpec = {
  group: 'image',
  name: 'import',
  args: '<file> [reference]',
  topLevel: ['import'],
  description: 'Import the contents from a tarball to create a filesystem image',
  options: (c) =>
    c
      .option('-c, --change <instruction>', 'apply a Dockerfile instruction to the created image', collect)
      .option('-m, --message <message>', 'set a commit message for the imported image')
      .option('--platform <os/arch[/variant]>', 'set the platform of the image'),
  run: async (ctx, [file, reference], o) => {
    const { importCommand } = await import('../image/import.ts');
    await importCommand(ctx, file as string, reference as string | undefined, o as { change?: string[]; message?: string; platform?: string });
  },
};
