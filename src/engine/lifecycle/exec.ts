import { hostCapabilities } from '../spec/host-capabilities.ts';
import { ConflictError } from '../../lib/errors.ts';
import type { EngineContext } from '../engine-context.ts';
import { driverFor } from '../runtime-driver/index.ts';
import { resolveUser } from '../spec/user.ts';
import { refreshRecord } from './repair.ts';
import { spawnHelperThroughMonitor } from '../attach-client.ts';
import { attachSocket } from '../paths.ts';

export interface ExecRequest {
  cmd: string[];
  tty: boolean;
  env: string[];
  workdir?: string;
  user?: string;
  detach: boolean;
  privileged: boolean;
  // -i: our stdin is the process's; otherwise it reads /dev/null, as with docker
  interactive: boolean;
}

// docker exec: a new process in the running container, through the runtime (which joins its
// namespaces and cgroups and applies its seccomp filter). A user name is resolved in the
// container's own /etc/passwd. Returns the process's exit code (0 once started for -d).
export async function execInContainer(ctx: EngineContext, ref: string, req: ExecRequest): Promise<number> {
  const record = await refreshRecord(ctx, ctx.store.resolve(ref));
  if (record.State.Status === 'paused') throw new ConflictError('E_CONTAINER_PAUSED', `Container ${record.Id} is paused, unpause the container before exec`);
  if (record.State.Status !== 'running') throw new ConflictError('E_CONTAINER_NOT_RUNNING', `Container ${record.Id} is not running`);
  let user: string | undefined;
  if (req.user) {
    const rootfs = record.GraphDriver.Data?.['MergedDir'];
    const u = rootfs ? resolveUser(rootfs, req.user) : undefined;
    user = u ? `${u.uid}:${u.gid}` : req.user;
  }
  return (await driverFor(ctx, record)).exec({
    id: record.Id,
    args: req.cmd,
    tty: req.tty,
    env: req.env,
    ...(req.workdir ? { cwd: req.workdir } : {}),
    ...(user ? { user } : {}),
    ...(req.privileged ? { caps: hostCapabilities() } : {}),
    detach: req.detach,
    // the monitor starts the helper: the detached process is then its to reap
    ...(req.detach ? { helperSocket: () => spawnHelperThroughMonitor(attachSocket(ctx.paths, record.Id)) } : {}),
    // docker exec -d: nothing attached, the output goes nowhere (and no caller's pipe is held);
    // without -i the process gets no stdin
    ...(req.detach ? { stdio: ['ignore', 'ignore', 'ignore'] as ['ignore', 'ignore', 'ignore'] } : !req.interactive ? { stdio: ['ignore', 1, 2] as ['ignore', number, number] } : {}),
  });
}
