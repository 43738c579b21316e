import { readRecord } from '../state/container-record.ts';
import { deriveStatus } from '../state/status.ts';
import { createCgroupManager } from '../cgroups/manager.ts';
import { ConflictError } from '../../lib/errors.ts';
import type { RuntimeContext } from './context.ts';

// Freezes every process of the container (v1 freezer, v2 cgroup.freeze); `state` then says paused.
export async function pauseContainer(ctx: RuntimeContext, id: string): Promise<void> {
  const record = readRecord(ctx.root, id);
  const status = deriveStatus(ctx.root, record);
  if (status !== 'running') throw new ConflictError('E_CONTAINER_NOT_RUNNING', `cannot pause container "${id}": it is ${status}, not running`);
  if (record.cgroups.length === 0) throw new ConflictError('E_CONTAINER_NO_CGROUP', `cannot pause container "${id}": it has no cgroup to freeze (a rootless container without a delegated cgroup v2 directory)`);
  await createCgroupManager(record.cgroups).freeze();
}

export async function resumeContainer(ctx: RuntimeContext, id: string): Promise<void> {
  const record = readRecord(ctx.root, id);
  const status = deriveStatus(ctx.root, record);
  if (status !== 'paused') throw new ConflictError('E_CONTAINER_NOT_PAUSED', `cannot resume container "${id}": it is ${status}, not paused`);
  await createCgroupManager(record.cgroups).thaw();
}
