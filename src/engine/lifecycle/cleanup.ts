import { readFileSync } from 'node:fs';
import { unmountRootfs } from '../../storage/index.ts';
import type { ContainerRecord } from '../container-types.ts';
import { cgroupsPath, exitFile, rwDir } from '../paths.ts';
import type { EngineContext } from '../engine-context.ts';
import { driverFor } from '../runtime-driver/index.ts';
import { isMounted, removeRunDir } from './start.ts';

export interface ExitInfo {
  exitCode: number;
  finishedAt: string;
}

export function readExitFile(ctx: EngineContext, id: string): ExitInfo | undefined {
  try {
    const e = JSON.parse(readFileSync(exitFile(ctx.paths, id), 'utf8')) as { exitCode: number; finishedAt: string };
    return { exitCode: e.exitCode, finishedAt: e.finishedAt };
  } catch {
    // missing (the monitor died first) or unreadable: the exit is recorded without a code
    return undefined;
  }
}

// Undoes start: the runtime's container (and with it the cgroups), the rootfs mount, the
// runtime directory. Each step is attempted even if one fails.
export async function releaseResources(ctx: EngineContext, record: ContainerRecord): Promise<void> {
  const id = record.Id;
  const errors: string[] = [];
  try {
    await (await driverFor(ctx, record)).delete(id, cgroupsPath(id));
  } catch (err) {
    errors.push((err as Error).message);
  }
  if (isMounted(ctx, id)) {
    try {
      await unmountRootfs(rwDir(ctx.paths, id));
    } catch (err) {
      errors.push((err as Error).message);
    }
  }
  removeRunDir(ctx, id);
  if (errors.length > 0) ctx.log.warn(`cleaning up container ${id}: ${errors.join('; ')}`);
}

export function markExited(record: ContainerRecord, exit: ExitInfo | undefined, oomKilled: boolean): void {
  record.State = {
    ...record.State,
    Status: 'exited',
    Running: false,
    Paused: false,
    Restarting: false,
    Pid: 0,
    ExitCode: exit?.exitCode ?? 255,
    FinishedAt: exit?.finishedAt ?? new Date().toISOString(),
    OOMKilled: oomKilled,
  };
  record.Berth.pidStartTime = 0;
  record.Berth.monitorPid = 0;
  record.Berth.monitorStartTime = 0;
}

// docker's restart policies: "always" and "unless-stopped" restart after any exit the user did
// not cause; "on-failure[:N]" after a non-zero one, at most N times.
export function shouldRestart(record: ContainerRecord): boolean {
  if (record.Berth.manuallyStopped) return false;
  const p = record.HostConfig.RestartPolicy;
  switch (p.Name) {
    case 'always':
    case 'unless-stopped':
      return true;
    case 'on-failure':
      return record.State.ExitCode !== 0 && (p.MaximumRetryCount <= 0 || record.RestartCount < p.MaximumRetryCount);
    default:
      return false;
  }
}

// docker's delay between restarts: 100 ms, doubling, at most a minute, back to 100 ms after a run
// of ten seconds or more.
export function restartDelayMs(record: ContainerRecord): number {
  const ran = Date.parse(record.State.FinishedAt) - Date.parse(record.State.StartedAt);
  if (ran >= 10_000) return 100;
  return Math.min(60_000, 100 * 2 ** Math.min(record.RestartCount, 10));
}
