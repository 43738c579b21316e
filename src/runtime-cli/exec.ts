import { execProcess } from '../runtime/lifecycle/exec.ts';
import type { RuntimeContext } from '../runtime/lifecycle/context.ts';
import { UsageError } from '../lib/errors.ts';

export interface ExecFlags {
  process?: string;
  tty?: boolean;
  env?: string[];
  cwd?: string;
  user?: string;
  additionalGids?: number[];
  cap?: string[];
  newPrivs?: boolean;
  detach?: boolean;
  pidFile?: string;
  consoleSocket?: string;
  preserveFds: number;
  processLabel?: string;
  apparmor?: string;
}

export async function execCommand(ctx: RuntimeContext, id: string, command: string[], o: ExecFlags): Promise<number> {
  if (o.processLabel) throw new UsageError(`--process-label "${o.processLabel}": SELinux is not enabled on this host`);
  if (o.apparmor) throw new UsageError(`--apparmor "${o.apparmor}": AppArmor is not enabled on this host`);
  if (o.process && command.length > 0) throw new UsageError('give either --process or a command, not both');
  return execProcess(ctx, {
    id,
    ...(o.process ? { processFile: o.process } : {}),
    args: command,
    tty: o.tty === true,
    ...(o.env ? { env: o.env } : {}),
    ...(o.cwd ? { cwd: o.cwd } : {}),
    ...(o.user ? { user: o.user } : {}),
    ...(o.additionalGids ? { additionalGids: o.additionalGids } : {}),
    ...(o.cap ? { caps: o.cap } : {}),
    noNewPrivileges: o.newPrivs === false,
    detach: o.detach === true,
    ...(o.pidFile ? { pidFile: o.pidFile } : {}),
    ...(o.consoleSocket ? { consoleSocket: o.consoleSocket } : {}),
    preserveFds: o.preserveFds,
  });
}
