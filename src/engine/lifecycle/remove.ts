import { ConflictError } from '../../lib/errors.ts';
import { existsSync } from 'node:fs';
import { mark } from '../../lib/trace.ts';
import { containerDir } from '../paths.ts';
import type { EngineContext } from '../engine-context.ts';
import { VolumeStore } from '../volumes/volume-store.ts';
import { releaseResources } from './cleanup.ts';
import { killAndWait } from './stop.ts';

export interface RemoveOptions {
  force?: boolean;
  // -v: also the container's anonymous volumes
  volumes?: boolean;
  // the caller holds the container's lock already (the exit command's --rm)
  locked?: boolean;
}

// docker rm: refuses a running container without --force; with it, kills it first. Then the
// writable layer, the logs, the record and (with -v) the anonymous volumes go.
export async function removeContainer(ctx: EngineContext, ref: string, opts: RemoveOptions = {}): Promise<void> {
  const record = ctx.store.resolve(ref);
  const id = record.Id;
  const live = record.State.Status === 'running' || record.State.Status === 'paused' || record.State.Status === 'restarting';
  if (live && !opts.force) {
    const what = record.State.Status === 'paused' ? 'paused' : 'running';
    throw new ConflictError(
      'E_CONTAINER_RUNNING',
      `cannot remove container "${record.Name}": container is ${what}: stop the container before removing or force remove`,
    );
  }
  if (live && !opts.locked) {
    await killAndWait(ctx, id, ref);
    // a --rm container is removed by its own exit
    if (!ctx.store.get(id)) return;
  }
  mark('rm: stopped');
  const remove = async (): Promise<void> => {
    await releaseResources(ctx, record);
    mark('rm: resources released');
    // the volumes before the record: once the container's directory is gone, so is all of it
    // (run --rm waits for that)
    if (opts.volumes) {
      const volumes = new VolumeStore(ctx.paths);
      for (const v of record.Berth.anonymousVolumes) {
        try {
          volumes.remove(v);
        } catch (err) {
          ctx.log.warn(`removing volume ${v}: ${(err as Error).message}`);
        }
      }
    }
    ctx.store.withStoreLock(() => ctx.store.remove(id));
  };
  if (opts.locked) await remove();
  else await ctx.store.withContainerLock(id, remove);
}

// docker run --rm returns once the container is gone, not merely stopped: the exit command
// removes it just after recording the exit. If the record is still there after a grace period
// (the exit command died, or never ran), it is removed here.
export async function waitForRemoval(ctx: EngineContext, id: string, graceMs = 5_000): Promise<void> {
  const deadline = Date.now() + graceMs;
  for (;;) {
    const r = ctx.store.get(id);
    // the record goes first, the directory last: gone means the directory
    if (!r && !existsSync(containerDir(ctx.paths, id))) return;
    const live = r !== undefined && (r.State.Status === 'running' || r.State.Status === 'paused' || r.State.Status === 'restarting');
    if (!live && Date.now() > deadline) {
      if (r) await removeContainer(ctx, id, { force: true, volumes: true });
      else ctx.store.withStoreLock(() => ctx.store.remove(id));
      return;
    }
    await new Promise((res) => setTimeout(res, 10));
  }
}
