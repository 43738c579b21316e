import type { CommandSpec } from '../command-spec.ts';

export const containerAttach: CommandSpec = {
  group: 'container',
  name: 'attach',
  args: '<container>',
  topLevel: ['attach'],
  description: "Attach local standard input, output, and error streams to a running container",
  options: (c) => c.option('--no-stdin', 'do not attach STDIN').option('--detach-keys <keys>', 'override the key sequence for detaching a container (default "ctrl-p,ctrl-q")').option('--sig-proxy', 'proxy all received signals to the process (default)'),
  run: async (ctx, [ref], o) => {
    const { attachCommand } = await import('../container/lifecycle-commands.ts');
    return attachCommand(ctx, ref as string, o);
  },
};
