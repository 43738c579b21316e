import { readRecord } from '../state/container-record.ts';
import { deriveStatus } from '../state/status.ts';
import { createCgroupManager } from '../cgroups/manager.ts';
import { resolveCgroupDirs } from '../cgroups/placement.ts';
import { hostCgroupLayout } from '../cgroups/detect.ts';
import { formatStatsEvent, formatOomEvent } from '../cgroups/runc-events.ts';
import { watchOomKills } from '../cgroups/oom-events.ts';
import { ConflictError } from '../../lib/errors.ts';
import type { RuntimeContext } from './context.ts';

// One stats event in runc's shape (`events --stats`).
export function statsEvent(ctx: RuntimeContext, id: string): string {
  const record = readRecord(ctx.root, id);
  if (deriveStatus(ctx.root, record) === 'stopped') throw new ConflictError('E_CONTAINER_NOT_RUNNING', `container "${id}" is not running`);
  return formatStatsEvent(id, createCgroupManager(record.cgroups).stats());
}

// runc's `events`: a stats event every interval and an "oom" event for each OOM kill, as JSON
// lines, until the container stops.
export async function streamEvents(ctx: RuntimeContext, id: string, intervalMs: number, write: (line: string) => void): Promise<void> {
  const record = readRecord(ctx.root, id);
  if (deriveStatus(ctx.root, record) === 'stopped') throw new ConflictError('E_CONTAINER_NOT_RUNNING', `container "${id}" is not running`);
  const manager = createCgroupManager(record.cgroups);
  const watch = watchOomKills(manager, (n) => {
    for (let i = 0; i < n; i++) write(formatOomEvent(id));
  }, { intervalMs: Math.min(intervalMs, 200) });
  try {
    for (;;) {
      if (deriveStatus(ctx.root, record) === 'stopped') return;
      write(formatStatsEvent(id, manager.stats()));
      const end = Date.now() + intervalMs;
      while (Date.now() < end) {
        await new Promise((r) => setTimeout(r, Math.min(100, end - Date.now())));
        if (deriveStatus(ctx.root, record) === 'stopped') return;
      }
    }
  } finally {
    watch.close();
  }
}

// How many processes of the container the kernel OOM-killed (its memory cgroup's count).
export function oomKillCount(ctx: RuntimeContext, id: string): number {
  try {
    return Number(createCgroupManager(readRecord(ctx.root, id).cgroups).oomKillCount());
  } catch {
    return 0;
  }
}

// The same event for a container another runtime placed by the same cgroupfs rules (crun has no
// `events` verb): its cgroups are found from the config's cgroupsPath.
export function statsEventAt(cgroupsPath: string, id: string): string {
  return formatStatsEvent(id, createCgroupManager(resolveCgroupDirs(hostCgroupLayout(), cgroupsPath, id)).stats());
}

// The same count for a container another runtime (runc, crun) placed by the same cgroupfs rules:
// its cgroups are found from the config's cgroupsPath, read before that runtime deletes them.
export function oomKillCountAt(cgroupsPath: string, id: string): number {
  try {
    return Number(createCgroupManager(resolveCgroupDirs(hostCgroupLayout(), cgroupsPath, id)).oomKillCount());
  } catch {
    return 0;
  }
}
