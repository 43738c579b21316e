import { Option } from 'commander';
import type { CommandSpec } from '../command-spec.ts';

export const save: CommandSpec = {
  group: 'image',
  name: 'save',
  args: '<images...>',
  topLevel: ['save'],
  description: 'Save one or more images to a tar archive (streamed to STDOUT by default)',
  options: (c) =>
    c
      .option('-o, --output <file>', 'write to a file, instead of STDOUT')
      .addOption(new Option('--format <format>', 'archive format').choices(['docker-archive', 'oci-archive']).default('docker-archive')),
  run: async (ctx, [names], o) => {
    const { saveCommand } = await import('../image/save.ts');
    await saveCommand(ctx, names as string[], { output: o['output'] as string | undefined, format: o['format'] as 'docker-archive' | 'oci-archive' });
  },
};
