import type { CommandSpec } from '../command-spec.ts';

export const logout: CommandSpec = {
  name: 'logout',
  args: '[server]',
  description: 'Log out from a registry',
  run: async (ctx, [server]) => {
    const { logoutCommand } = await import('../image/login.ts');
    logoutCommand(ctx, server as string | undefined);
  },
};
