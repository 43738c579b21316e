import type { CommandSpec } from '../command-spec.ts';

export const containerCp: CommandSpec = {
  group: 'container',
  name: 'cp',
  args: '<source> <destination>',
  topLevel: ['cp'],
  description: 'Copy files/folders between a container and the local filesystem (CONTAINER:SRC_PATH DEST_PATH|-, or SRC_PATH|- CONTAINER:DEST_PATH)',
  options: (c) =>
    c
      .option('-a, --archive', 'archive mode (copy all uid/gid information)')
      .option('-L, --follow-link', 'always follow symlinks in SRC_PATH')
      .option('-q, --quiet', 'suppress progress output during copy (the default when no terminal is attached)'),
  run: async (ctx, [source, destination], o) => {
    const { cpCommand } = await import('../container/cp.ts');
    return cpCommand(ctx, source as string, destination as string, {
      archive: o['archive'] === true,
      followLink: o['followLink'] === true,
      ...(o['quiet'] === true ? { quiet: true } : {}),
    });
  },
};
