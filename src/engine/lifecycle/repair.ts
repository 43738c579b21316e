import { statSync } from 'node:fs';
import type { ContainerRecord } from '../container-types.ts';
import { exitFile } from '../paths.ts';
import type { EngineContext } from '../engine-context.ts';
import { isProcessAlive } from './proc-start-time.ts';
import { recordExitOurselves } from './stop.ts';
import { removeContainer } from './remove.ts';

// The record says running, but is it? After a crash or a reboot the monitor that would have
// recorded the exit may be gone. A dead process with no exit file means exactly that (the
// monitor writes it first); an exit file whose exit command has not caught up in 30 s too.
export async function refreshRecord(ctx: EngineContext, r: ContainerRecord): Promise<ContainerRecord> {
  if (r.State.Status !== 'running' && r.State.Status !== 'paused') return r;
  if (isProcessAlive(r.State.Pid, r.Berth.pidStartTime)) return r;
  let stale = true;
  try {
    stale = Date.now() - statSync(exitFile(ctx.paths, r.Id)).mtimeMs > 30_000;
  } catch {
    // no exit file: the monitor never wrote one
  }
  if (!stale) return r;
  await recordExitOurselves(ctx, r.Id);
  const exited = ctx.store.get(r.Id) ?? r;
  // --rm still holds when the berth process that was to remove the container died first (a
  // killed `berth run --rm` that had claimed the cleanup)
  if (exited.HostConfig.AutoRemove && exited.State.Status === 'exited') await removeContainer(ctx, r.Id, { force: true, volumes: true }).catch(() => {});
  return exited;
}

export async function refreshAll(ctx: EngineContext): Promise<ContainerRecord[]> {
  const out: ContainerRecord[] = [];
  for (const r of ctx.store.list()) {
    const fresh = await refreshRecord(ctx, r);
    if (ctx.store.get(r.Id)) out.push(fresh);
  }
  return out;
}
