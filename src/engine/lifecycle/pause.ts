import { ConflictError } from '../../lib/errors.ts';
import type { ContainerRecord } from '../container-types.ts';
import type { EngineContext } from '../engine-context.ts';
import { driverFor } from '../runtime-driver/index.ts';
import { NoSuchContainerError } from '../store/container-store.ts';
import { refreshRecord } from './repair.ts';

// Runs fn with the container's lock held and its record read again under it (a stop or rm may
// have come first).
async function underLock(ctx: EngineContext, ref: string, fn: (r: ContainerRecord) => Promise<void>): Promise<void> {
  const found = await refreshRecord(ctx, ctx.store.resolve(ref));
  await ctx.store.withContainerLock(found.Id, async () => {
    const r = ctx.store.get(found.Id);
    if (!r) throw new NoSuchContainerError(ref);
    await fn(r);
    ctx.store.put(r);
  });
}

function restartingError(id: string): ConflictError {
  return new ConflictError('E_CONTAINER_RESTARTING', `Container ${id} is restarting, wait until the container is running`);
}

// docker pause: freezes every process of the container (the cgroup freezer); the record says
// paused, which ps, stop and exec read. Health checks are skipped while it is paused.
export async function pauseContainer(ctx: EngineContext, ref: string): Promise<void> {
  await underLock(ctx, ref, async (r) => {
    if (r.State.Status === 'paused') throw new ConflictError('E_CONTAINER_PAUSED', `container ${r.Id} is already paused`);
    if (r.State.Status === 'restarting') throw restartingError(r.Id);
    if (r.State.Status !== 'running') throw new ConflictError('E_CONTAINER_NOT_RUNNING', `container ${r.Id} is not running`);
    await (await driverFor(ctx, r)).pause(r.Id);
    r.State.Paused = true;
    r.State.Status = 'paused';
  });
}

export async function unpauseContainer(ctx: EngineContext, ref: string): Promise<void> {
  await underLock(ctx, ref, async (r) => {
    if (r.State.Status !== 'paused') throw new ConflictError('E_CONTAINER_NOT_PAUSED', `Container ${r.Id} is not paused`);
    await (await driverFor(ctx, r)).resume(r.Id);
    r.State.Paused = false;
    r.State.Status = 'running';
  });
}
