import type { CommandSpec } from '../command-spec.ts';

export const login: CommandSpec = {
  name: 'login',
  args: '[server]',
  description: 'Log in to a registry',
  options: (c) =>
    c
      .option('-u, --username <username>', 'username')
      .option('-p, --password <password>', 'password')
      .option('--password-stdin', 'take the password from stdin'),
  run: async (ctx, [server], o) => {
    const { loginCommand } = await import('../image/login.ts');
    await loginCommand(ctx, server as string | undefined, o as { username?: string; password?: string; passwordStdin?: boolean });
  },
};
