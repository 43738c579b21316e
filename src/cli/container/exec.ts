import { execInContainer } from '../../engine/index.ts';
import type { CliContext } from '../cli-context.ts';
import { engineFor } from './engine-for.ts';
import { exitCodeFor } from './run.ts';
import { envList } from './run-flags.ts';

export async function execCommand(ctx: CliContext, ref: string, cmd: string[], o: Record<string, unknown>): Promise<number> {
  try {
    return await execInContainer(engineFor(ctx), ref, {
      cmd,
      tty: o['tty'] === true,
      env: envList(o),
      ...(o['workdir'] !== undefined ? { workdir: o['workdir'] as string } : {}),
      ...(o['user'] !== undefined ? { user: o['user'] as string } : {}),
      detach: o['detach'] === true,
      privileged: o['privileged'] === true,
      interactive: o['interactive'] === true,
    });
  } catch (e) {
    return exitCodeFor(e);
  }
}
