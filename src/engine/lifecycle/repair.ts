import { existsSync, statSync } from 'node:fs';
import type { ContainerRecord } from '../container-types.ts';
import { exitFile, runDir, runtimeStateDir } from '../paths.ts';
import type { EngineContext } from '../engine-context.ts';
import { driverFor } from '../runtime-driver/index.ts';
import { releaseResources } from './cleanup.ts';
import { isProcessAlive } from './proc-start-time.ts';
import { readMonitorPid, readProcStartTime } from './proc-start-time.ts';
import { isMounted } from './start.ts';
import { recordExitOurselves } from './stop.ts';
import { removeContainer } from './remove.ts';

// The record says running, but is it? After a crash or a reboot the monitor that would have
// recorded the exit may be gone. The monitor reaps the program, then (having drained the output,
// up to a second more) writes the exit file and execs the exit command under its own pid: while
// it lives, the exit is its to record, restart policy and all. A dead process whose monitor is
// gone with no exit file is a crash; an exit file whose exit command has not caught up in 30 s
// too.
// The record says created, but a start left things behind: see repairInterruptedStart.
export async function refreshRecord(ctx: EngineContext, r: ContainerRecord): Promise<ContainerRecord> {
  if (r.State.Status === 'created') return repairInterruptedStart(ctx, r);
  if (r.State.Status !== 'running' && r.State.Status !== 'paused') return r;
  if (isProcessAlive(r.State.Pid, r.Berth.pidStartTime)) return r;
  const monitorKnown = (r.Berth.monitorPid ?? 0) > 0;
  if (monitorKnown && isProcessAlive(r.Berth.monitorPid!, r.Berth.monitorStartTime ?? 0)) return r;
  let stale = true;
  // A record that does not name its monitor (written by an older berth) cannot tell the window
  // between reaping and the exit file from a crash: a missing file is awaited for a second
  // before the monitor counts as gone.
  for (let waited = 0; ; waited += 20) {
    try {
      stale = Date.now() - statSync(exitFile(ctx.paths, r.Id)).mtimeMs > 30_000;
      break;
    } catch {
      // no exit file (yet)
    }
    if (monitorKnown || waited >= 1000) break;
    await new Promise((res) => setTimeout(res, 20));
  }
  if (!stale) return r;
  await recordExitOurselves(ctx, r.Id);
  const exited = ctx.store.get(r.Id) ?? r;
  // --rm still holds when the berth process that was to remove the container died first (a
  // killed `berth run --rm` that had claimed the cleanup)
  if (exited.HostConfig.AutoRemove && exited.State.Status === 'exited') await removeContainer(ctx, r.Id, { force: true, volumes: true }).catch(() => {});
  return exited;
}

function hasStartLeftovers(ctx: EngineContext, r: ContainerRecord): boolean {
  return existsSync(runtimeStateDir(ctx.paths, r.HostConfig.Runtime, r.Id)) || existsSync(runDir(ctx.paths, r.Id)) || isMounted(ctx, r.Id);
}

// A berth killed during `start` (or `run`) leaves a created container with its rootfs mounted,
// cgroups, the runtime's state, perhaps a monitor and the program waiting at the barrier. Once
// no live berth holds the container's lock, the next command puts it right: a container whose
// program was already released is running, and recorded so; anything short of that is undone,
// leaving a created container as create left it.
async function repairInterruptedStart(ctx: EngineContext, r: ContainerRecord): Promise<ContainerRecord> {
  if (!hasStartLeftovers(ctx, r)) return r;
  const release = ctx.store.tryContainerLock(r.Id);
  if (!release) return r;
  try {
    const fresh = ctx.store.get(r.Id);
    if (!fresh || fresh.State.Status !== 'created') return fresh ?? r;
    // no state: the runtime's create did not finish
    const state = await (await driverFor(ctx, fresh)).state(r.Id);
    if (state?.status === 'running' && state.pid) {
      fresh.State = { ...fresh.State, Status: 'running', Running: true, Pid: state.pid, ExitCode: 0, Error: '', StartedAt: new Date().toISOString() };
      fresh.Berth.manuallyStopped = false;
      fresh.Berth.pidStartTime = readProcStartTime(state.pid);
      fresh.Berth.monitorPid = readMonitorPid(state.pid);
      fresh.Berth.monitorStartTime = readProcStartTime(fresh.Berth.monitorPid);
      ctx.store.put(fresh);
      return fresh;
    }
    await releaseResources(ctx, fresh);
    return fresh;
  } finally {
    release();
  }
}

export async function refreshAll(ctx: EngineContext): Promise<ContainerRecord[]> {
  const out: ContainerRecord[] = [];
  for (const r of ctx.store.list()) {
    const fresh = await refreshRecord(ctx, r);
    if (ctx.store.get(r.Id)) out.push(fresh);
  }
  return out;
}
