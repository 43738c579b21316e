import { ConflictError } from '../../lib/errors.ts';
import { parseSignal } from '../../lib/proc/signals.ts';
import type { ContainerRecord } from '../container-types.ts';
import type { EngineContext } from '../engine-context.ts';
import { NoSuchContainerError } from '../store/container-store.ts';
import { driverFor } from '../runtime-driver/index.ts';
import { releaseResources, markExited, readExitFile } from './cleanup.ts';
import { isProcessAlive } from './proc-start-time.ts';
import { attachToMonitor, type AttachSession } from '../attach-client.ts';
import { attachSocket } from '../paths.ts';

const isLive = (r: ContainerRecord | undefined): boolean => r !== undefined && (r.State.Status === 'running' || r.State.Status === 'paused');

async function sleep(ms: number): Promise<void> {
  await new Promise((r) => setTimeout(r, ms));
}

// Waits for the monitor's exit command to record the exit. If the process is gone and nobody
// records it within a grace period (the monitor was killed, or a reboot emptied the runroot),
// the exit is recorded here instead.
export async function waitForExitRecorded(ctx: EngineContext, id: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let deadSince: number | undefined;
  for (;;) {
    const r = ctx.store.get(id);
    if (!r || !isLive(r)) return;
    if (isProcessAlive(r.State.Pid, r.Berth.pidStartTime)) deadSince = undefined;
    else deadSince ??= Date.now();
    if (deadSince !== undefined && Date.now() - deadSince > 3000) {
      await recordExitOurselves(ctx, id);
      return;
    }
    if (Date.now() > deadline) throw new ConflictError('E_STOP_TIMEOUT', `container ${id} did not stop`);
    await sleep(10);
  }
}

export async function recordExitOurselves(ctx: EngineContext, id: string): Promise<void> {
  await ctx.store.withContainerLock(id, async () => {
    const fresh = ctx.store.get(id);
    if (!fresh || !isLive(fresh) || isProcessAlive(fresh.State.Pid, fresh.Berth.pidStartTime)) return;
    await releaseResources(ctx, fresh);
    markExited(fresh, readExitFile(ctx, id), false);
    ctx.store.put(fresh);
  });
}

// ref: what the user named the container by, for the error when another berth removed it
// meanwhile (concurrent `rm -f` of the same container: one removes it, the others say so)
async function markManual(ctx: EngineContext, id: string, ref: string): Promise<ContainerRecord> {
  return ctx.store.withContainerLock(id, async () => {
    const r = ctx.store.get(id);
    if (!r) throw new NoSuchContainerError(ref);
    r.Berth.manuallyStopped = true;
    if (r.State.Status === 'restarting') {
      // a restart was pending: it will not happen now
      r.State.Status = 'exited';
      r.State.Restarting = false;
    }
    ctx.store.put(r);
    return r;
  });
}

// A frozen (paused) process gets no signal, not even SIGKILL, until it is thawed: as docker does,
// the container is resumed once the signal that ends it is sent.
async function thawIfPaused(ctx: EngineContext, r: ContainerRecord): Promise<void> {
  if (r.State.Status !== 'paused') return;
  await (await driverFor(ctx, r)).resume(r.Id).catch(() => {});
}

// Attaches to the container's monitor and claims the cleanup of the exit this command is about to
// cause: the exit is then recorded in this process, without the monitor starting a second berth
// for its exit command (that start-up was most of the time of `rm -f` and `stop`). Undefined when
// the monitor is not listening (it is gone): the exit is then recorded as before.
async function claimExit(ctx: EngineContext, id: string): Promise<AttachSession | undefined> {
  try {
    const session = await attachToMonitor(attachSocket(ctx.paths, id), { stdout: () => {}, stderr: () => {} });
    session.claimCleanup();
    return session;
  } catch {
    return undefined;
  }
}

// After the signal: the exit frame of a claimed session means the monitor left the recording to
// us; anything else (no session, a monitor that died without the frame) falls back to waiting.
async function finishExit(ctx: EngineContext, id: string, session: AttachSession | undefined): Promise<void> {
  const code = session ? await session.exit : undefined;
  if (code === undefined) return waitForExitRecorded(ctx, id);
  const { onContainerExit } = await import('./on-exit.ts');
  await onContainerExit(ctx, id);
}

export async function killAndWait(ctx: EngineContext, id: string, ref: string = id): Promise<void> {
  const r = await markManual(ctx, id, ref);
  const session = await claimExit(ctx, id);
  try {
    await (await driverFor(ctx, r)).kill(id, 'SIGKILL', { all: true });
  } catch {
    // already gone
  }
  await thawIfPaused(ctx, r);
  await finishExit(ctx, id, session);
}

// docker stop: the stop signal, then SIGKILL after the timeout (--time, the container's
// StopTimeout, or 10 s); returns once the exit is recorded. A container that is not running is
// left as it is.
export async function stopContainer(ctx: EngineContext, ref: string, timeoutSec?: number): Promise<void> {
  const record = ctx.store.resolve(ref);
  if (!isLive(record) && record.State.Status !== 'restarting') return;
  await markManual(ctx, record.Id, ref);
  if (!isLive(ctx.store.get(record.Id))) return;
  const driver = await driverFor(ctx, record);
  const signal = record.Config.StopSignal ?? 'SIGTERM';
  const wait = (timeoutSec ?? record.Config.StopTimeout ?? 10) * 1000;
  const session = await claimExit(ctx, record.Id);
  try {
    if (record.State.Status === 'paused') await driver.resume(record.Id);
    await driver.kill(record.Id, signal);
  } catch {
    // gone meanwhile
  }
  const deadline = Date.now() + wait;
  while (Date.now() < deadline && isProcessAlive(record.State.Pid, record.Berth.pidStartTime)) await sleep(10);
  if (isProcessAlive(record.State.Pid, record.Berth.pidStartTime)) {
    try {
      await driver.kill(record.Id, 'SIGKILL', { all: true });
    } catch {
      // gone meanwhile
    }
  }
  await finishExit(ctx, record.Id, session);
}

// docker kill: a signal to the container's process; the exit, if it comes, is recorded by the
// monitor. The restart policy does not apply to an exit the user caused.
export async function killContainer(ctx: EngineContext, ref: string, signal = 'SIGKILL'): Promise<void> {
  parseSignal(signal);
  const record = ctx.store.resolve(ref);
  if (!isLive(record)) throw new ConflictError('E_CONTAINER_NOT_RUNNING', `cannot kill container: ${ref}: container ${record.Id} is not running`);
  const r = await markManual(ctx, record.Id, ref);
  await (await driverFor(ctx, record)).kill(record.Id, signal);
  if (parseSignal(signal) === parseSignal('SIGKILL') || parseSignal(signal) === parseSignal(record.Config.StopSignal ?? 'SIGTERM')) await thawIfPaused(ctx, r);
}

// A signal to the container's process, forwarded from an attached client (docker's
// --sig-proxy): not a stop, so the restart policy still applies.
export async function signalContainer(ctx: EngineContext, id: string, signal: string): Promise<void> {
  await (await driverFor(ctx, ctx.store.resolve(id))).kill(id, signal);
}
