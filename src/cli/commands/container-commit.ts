import { Option } from 'commander';
import type { CommandSpec } from '../command-spec.ts';

const collect = (v: string, prev: string[] = []): string[] => [...prev, v];

export const containerCommit: CommandSpec = {
  group: 'container',
  name: 'commit',
  args: '<container> [repository]',
  topLevel: ['commit'],
  description: "Create a new image from a container's changes",
  options: (c) =>
    c
      .option('-a, --author <author>', 'author (e.g., "John Hannibal Smith <hannibal@a-team.com>")')
      .option('-c, --change <instruction>', 'apply Dockerfile instruction to the created image', collect)
      .option('-m, --message <message>', 'commit message')
      .addOption(new Option('-p, --pause [bool]', 'pause container during commit').default(true).argParser((v) => v !== 'false'))
      .option('--no-pause', 'do not pause the container during commit'),
  run: async (ctx, [ref, reference], o) => {
    const { commitCommand } = await import('../container/commit.ts');
    return commitCommand(ctx, ref as string, reference as string | undefined, {
      ...(o['author'] !== undefined ? { author: o['author'] as string } : {}),
      ...(o['message'] !== undefined ? { message: o['message'] as string } : {}),
      ...(o['change'] !== undefined ? { change: o['change'] as string[] } : {}),
      pause: o['pause'] !== false,
    });
  },
};
