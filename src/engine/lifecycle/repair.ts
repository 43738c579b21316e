import { statSync } from 'node:fs';
import type { ContainerRecord } from '../container-types.ts';
import { exitFile } from '../paths.ts';
import type { EngineContext } from '../engine-context.ts';
import { isProcessAlive } from './proc-start-time.ts';
import { recordExitOurselves } from './stop.ts';

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
  return ctx.store.get(r.Id) ?? r;
}

export async function refreshAll(ctx: EngineContext): Promise<ContainerRecord[]> {
  const out: ContainerRecord[] = [];
  for (const r of ctx.store.list()) out.push(await refreshRecord(ctx, r));
  return out;
}
