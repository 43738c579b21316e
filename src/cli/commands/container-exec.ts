import type { CommandSpec } from '../command-spec.ts';

const collect = (v: string, prev: string[] = []): string[] => [...prev, v];

export const containerExec: CommandSpec = {
  group: 'container',
  name: 'exec',
  args: '<container> <command...>',
  topLevel: ['exec'],
  description: 'Execute a command in a running container',
  options: (c) =>
    c
      .option('-d, --detach', 'detached mode: run command in the background')
      .option('-i, --interactive', 'keep STDIN open even if not attached')
      .option('-t, --tty', 'allocate a pseudo-TTY')
      .option('-e, --env <NAME=value>', 'set environment variables', collect)
      .option('--env-file <file>', 'read in a file of environment variables', collect)
      .option('-u, --user <user[:group]>', 'username or UID')
      .option('-w, --workdir <dir>', 'working directory inside the container')
      .option('--privileged', 'give extended privileges to the command')
      .passThroughOptions(),
  run: async (ctx, [ref, command], o) => {
    const { execCommand } = await import('../container/exec.ts');
    return execCommand(ctx, ref as string, command as string[], o);
  },
};
