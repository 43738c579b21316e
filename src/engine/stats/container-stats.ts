import { readFileSync } from 'node:fs';
import { totalmem } from 'node:os';
import type { ContainerRecord } from '../container-types.ts';
import type { EngineContext } from '../engine-context.ts';
import { driverFor } from '../runtime-driver/index.ts';
import { cgroupsPath } from '../paths.ts';
import { systemCpuUsage } from './system-cpu.ts';

// One reading of a container's usage, the numbers `docker stats` is computed from (the parts of
// the Engine API's StatsResponse it reads), taken from the container's cgroups through the
// runtime (runc's events --stats data) and from /proc.
export interface StatsSample {
  id: string;
  name: string;
  readAt: number;
  running: boolean;
  cpuTotalNs: number;
  systemCpuNs: number;
  onlineCpus: number;
  memoryUsage: number;
  memoryLimit: number;
  pids: number;
  blockRead: number;
  blockWrite: number;
  networkRx: number;
  networkTx: number;
}

interface RuncStats {
  cpu?: { usage?: { total?: number } };
  memory?: { usage?: { usage?: number; limit?: number }; raw?: Record<string, number> };
  pids?: { current?: number };
  blkio?: { ioServiceBytesRecursive?: { op?: string; value?: number }[] };
}

// docker's "no cache" usage: the page cache that could be dropped (inactive files) is not
// counted (total_inactive_file on cgroup v1, inactive_file on v2).
function usageWithoutCache(m: NonNullable<RuncStats['memory']>): number {
  const usage = m.usage?.usage ?? 0;
  const raw = m.raw ?? {};
  const v1 = raw['total_inactive_file'];
  if (v1 !== undefined && v1 < usage) return usage - v1;
  const v2 = raw['inactive_file'] ?? 0;
  return v2 < usage ? usage - v2 : usage;
}

// Bytes through the container's own interfaces (not lo), from its network namespace's view.
function networkBytes(r: ContainerRecord): { rx: number; tx: number } {
  const mode = r.HostConfig.NetworkMode;
  if (mode === 'host' || mode.startsWith('container:') || !r.State.Pid) return { rx: 0, tx: 0 };
  let rx = 0;
  let tx = 0;
  try {
    for (const line of readFileSync(`/proc/${r.State.Pid}/net/dev`, 'utf8').split('\n').slice(2)) {
      const i = line.indexOf(':');
      if (i < 0 || line.slice(0, i).trim() === 'lo') continue;
      const f = line.slice(i + 1).trim().split(/\s+/);
      rx += Number(f[0]);
      tx += Number(f[8]);
    }
  } catch {
    // the process is gone
  }
  return { rx, tx };
}

function zeroSample(r: ContainerRecord): StatsSample {
  return { id: r.Id, name: r.Name, readAt: Date.now(), running: false, cpuTotalNs: 0, systemCpuNs: 0, onlineCpus: 0, memoryUsage: 0, memoryLimit: 0, pids: 0, blockRead: 0, blockWrite: 0, networkRx: 0, networkTx: 0 };
}

// A container that is not running reads as zeros, as docker reports it.
export async function sampleContainerStats(ctx: EngineContext, r: ContainerRecord): Promise<StatsSample> {
  if (r.State.Status !== 'running' && r.State.Status !== 'paused') return zeroSample(r);
  let data: RuncStats;
  try {
    data = (JSON.parse(await (await driverFor(ctx, r)).stats(r.Id, cgroupsPath(r.Id))) as { data: RuncStats }).data;
  } catch {
    // it stopped between the record and the cgroup read
    return zeroSample(r);
  }
  const system = systemCpuUsage();
  const hostMemory = totalmem();
  let limit = data.memory?.usage?.limit ?? 0;
  // no limit set: the host's memory is the limit (docker's machineMemory)
  if (limit === 0 || limit > hostMemory) limit = hostMemory;
  let blockRead = 0;
  let blockWrite = 0;
  for (const e of data.blkio?.ioServiceBytesRecursive ?? []) {
    const op = (e.op ?? '').toLowerCase();
    if (op.startsWith('r')) blockRead += e.value ?? 0;
    else if (op.startsWith('w')) blockWrite += e.value ?? 0;
  }
  const net = networkBytes(r);
  return {
    id: r.Id,
    name: r.Name,
    readAt: Date.now(),
    running: true,
    cpuTotalNs: data.cpu?.usage?.total ?? 0,
    systemCpuNs: system.usageNs,
    onlineCpus: system.onlineCpus,
    memoryUsage: data.memory ? usageWithoutCache(data.memory) : 0,
    memoryLimit: limit,
    pids: data.pids?.current ?? 0,
    blockRead,
    blockWrite,
    networkRx: net.rx,
    networkTx: net.tx,
  };
}

// docker's CPU %: the container's share of all the host's CPU time between two readings,
// scaled by the number of CPUs (so one busy CPU of four is 100%).
export function cpuPercent(prev: StatsSample | undefined, cur: StatsSample): number {
  if (!prev || !cur.running) return 0;
  const cpuDelta = cur.cpuTotalNs - prev.cpuTotalNs;
  const systemDelta = cur.systemCpuNs - prev.systemCpuNs;
  if (systemDelta > 0 && cpuDelta > 0) return (cpuDelta / systemDelta) * cur.onlineCpus * 100;
  return 0;
}

export function memoryPercent(s: StatsSample): number {
  return s.memoryLimit > 0 ? (s.memoryUsage / s.memoryLimit) * 100 : 0;
}
