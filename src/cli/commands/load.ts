import type { CommandSpec } from '../command-spec.ts';

export const load: CommandSpec = {
  group: 'image',
  name: 'load',
  topLevel: ['load'],
  description: 'Load an image from a tar archive or STDIN',
  options: (c) => c.option('-i, --input <file>', 'read from tar archive file, instead of STDIN').option('-q, --quiet', 'suppress the load output'),
  run: async (ctx, _args, o) => {
    const { loadCommand } = await import('../image/load.ts');
    await loadCommand(ctx, { input: o['input'] as string | undefined, quiet: o['quiet'] === true });
  },
};
