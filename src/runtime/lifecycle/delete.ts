import { existsSync } from 'node:fs';
import { readRecord, removeContainerDir, containerDir, type ContainerRecord } from '../state/container-record.ts';
import { deriveStatus, ociState } from '../state/status.ts';
import { cgroupPids, pidsDir, removeCgroupDirs, resolveCgroupDirs } from '../cgroups/placement.ts';
import { hostCgroupLayout } from '../cgroups/detect.ts';
import { createCgroupManager } from '../cgroups/manager.ts';
import { runHooksWarnOnly } from '../hooks.ts';
import { waitGone } from '../../lib/proc/wait-gone.ts';
import { ConflictError, NotFoundError, SystemError } from '../../lib/errors.ts';
import type { RuntimeContext } from './context.ts';
import { thawForKill } from './freeze.ts';

export interface DeleteOptions {
  force?: boolean;
  // the config's linux.cgroupsPath, for a create that died before it wrote state.json: its
  // cgroups (and what runs in them, the container's process waiting at the barrier) are found
  // from it and removed too
  cgroupsPath?: string;
}

// A create killed between making the container's cgroups and writing state.json leaves them,
// perhaps with the container's process in them: killed and removed here, by the path create
// would have used.
async function removeOrphanCgroups(id: string, cgroupsPath: string): Promise<void> {
  const dirs = resolveCgroupDirs(hostCgroupLayout(), cgroupsPath, id).filter((d) => existsSync(d.path));
  if (dirs.length === 0) return;
  const pidDir = pidsDir(dirs) ?? dirs[0]!;
  const pids = cgroupPids(pidDir.path);
  for (const p of pids) {
    try {
      process.kill(p, 'SIGKILL');
    } catch {
      // gone already
    }
  }
  const left = await waitGone(pids, 10_000);
  if (left.length > 0) throw new SystemError('E_KILL_TIMEOUT', `processes ${left.join(', ')} of container "${id}" did not die after SIGKILL`, 'ETIMEDOUT');
  removeCgroupDirs(dirs.map((d) => d.path));
}

// Kills every process of the container (all of its cgroup, then the init) and waits for them.
export async function killAllAndWait(record: ContainerRecord): Promise<void> {
  const dir = pidsDir(record.cgroups);
  const pids = new Set<number>([record.pid]);
  if (dir) for (const p of cgroupPids(dir.path)) pids.add(p);
  for (const p of pids) {
    try {
      process.kill(p, 'SIGKILL');
    } catch {
      // gone already
    }
  }
  thawForKill(record);
  const left = await waitGone([...pids], 10_000);
  if (left.length > 0) throw new SystemError('E_KILL_TIMEOUT', `processes ${left.join(', ')} of container "${record.id}" did not die after SIGKILL`, 'ETIMEDOUT');
}

// Removes every trace of a container: its processes (with --force), cgroups and state; then
// the poststop hooks. Mounts live in the container's mount namespace and die with it.
export async function deleteContainer(ctx: RuntimeContext, id: string, opts: DeleteOptions = {}): Promise<void> {
  let record;
  try {
    record = readRecord(ctx.root, id);
  } catch (err) {
    if (err instanceof NotFoundError) {
      // a create that died before writing state.json leaves the directory, and maybe cgroups
      if (!opts.force) throw err;
      if (opts.cgroupsPath !== undefined) await removeOrphanCgroups(id, opts.cgroupsPath);
      if (existsSync(containerDir(ctx.root, id))) removeContainerDir(ctx.root, id);
      return;
    }
    throw err;
  }
  const status = deriveStatus(ctx.root, record);
  if ((status === 'running' || status === 'paused') && !opts.force) {
    throw new ConflictError('E_CONTAINER_RUNNING', `cannot delete container "${id}": it is ${status} (stop it first, or use --force)`);
  }
  // a created container is deleted without --force, as runc does: its program never ran
  await killAllAndWait(record);
  createCgroupManager(record.cgroups, { created: record.cgroupsCreated }).destroy();
  removeContainerDir(ctx.root, id);
  await runHooksWarnOnly('poststop', record.config.hooks?.poststop, ociState(record, 'stopped'), (m) => ctx.log.warn(m));
}
