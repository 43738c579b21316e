import type { LinuxCPU, LinuxResources } from '../../../oci/runtime-spec.ts';
import { InvalidConfigError, SystemError } from '../../../lib/errors.ts';
import type { ApplyReport, CgroupController } from '../controller.ts';
import { flatKeyedUint, parseCgroupUint, parseFlatKeyed, readCgroupFile, readCgroupFileIfExists, writeCgroupFile } from '../cgroup-file.ts';
import { checkInteger } from '../resource-checks.ts';
import type { CgroupStats } from '../stats.ts';

// cgroup v1 cpu: cpu.shares, CFS bandwidth (cfs_quota_us, cfs_period_us, cfs_burst_us), RT
// bandwidth (rt_runtime_us, rt_period_us) and cpu.idle. cpus and mems are cpuset's.

const F = 'linux.resources.cpu';

export function isCpuRequested(r: LinuxResources): boolean {
  const c = r.cpu;
  if (!c) return false;
  return [c.shares, c.quota, c.period, c.burst, c.realtimeRuntime, c.realtimePeriod, c.idle].some((v) => v !== undefined);
}

export function checkCpu(c: LinuxCPU): void {
  if (c.shares !== undefined) checkInteger(`${F}.shares`, c.shares, { min: 0 });
  if (c.quota !== undefined) checkInteger(`${F}.quota`, c.quota, { min: -1 });
  if (c.period !== undefined) checkInteger(`${F}.period`, c.period, { min: 0 });
  if (c.burst !== undefined) checkInteger(`${F}.burst`, c.burst, { min: 0 });
  if (c.realtimeRuntime !== undefined) checkInteger(`${F}.realtimeRuntime`, c.realtimeRuntime, { min: -1 });
  if (c.realtimePeriod !== undefined) checkInteger(`${F}.realtimePeriod`, c.realtimePeriod, { min: 0 });
  if (c.idle !== undefined) checkInteger(`${F}.idle`, c.idle, { min: 0, max: 1 });
}

// Writes `first` then `second`, where the kernel may refuse `first` (EINVAL) until `second` is
// in place: the new period against the old quota, say. Then `first` is retried after `second`
// (runc's order for cfs and rt bandwidth).
function writeInterdependent(dir: string, first: [string, number | undefined], second: [string, number | undefined]): void {
  let retryFirst = false;
  if (first[1] !== undefined && first[1] !== 0) {
    try {
      writeCgroupFile(dir, first[0], String(first[1]));
    } catch (err) {
      if (!(err instanceof SystemError && err.errno === 'EINVAL') || second[1] === undefined || second[1] === 0) throw err;
      retryFirst = true;
    }
  }
  if (second[1] !== undefined && second[1] !== 0) {
    writeCgroupFile(dir, second[0], String(second[1]));
    if (retryFirst) writeCgroupFile(dir, first[0], String(first[1]));
  }
}

function applyCpu(r: LinuxResources, dir: string, _report: ApplyReport): void {
  const c = r.cpu;
  if (!c) return;
  checkCpu(c);
  if (c.shares !== undefined && c.shares !== 0) {
    writeCgroupFile(dir, 'cpu.shares', String(c.shares));
    // the kernel clamps to [2, 262144] without an error; say what it kept, as runc does
    const kept = Number(parseCgroupUint(readCgroupFile(dir, 'cpu.shares'), 'cpu.shares'));
    if (kept < c.shares) throw new InvalidConfigError(`${F}.shares`, `${c.shares} is above the maximum the kernel allows (${kept})`);
    if (kept > c.shares) throw new InvalidConfigError(`${F}.shares`, `${c.shares} is below the minimum the kernel allows (${kept})`);
  }
  writeInterdependent(dir, ['cpu.cfs_period_us', c.period], ['cpu.cfs_quota_us', c.quota]);
  // burst is bounded by the quota: set it last
  if (c.burst !== undefined) writeCgroupFile(dir, 'cpu.cfs_burst_us', String(c.burst));
  writeInterdependent(dir, ['cpu.rt_period_us', c.realtimePeriod], ['cpu.rt_runtime_us', c.realtimeRuntime]);
  if (c.idle !== undefined) writeCgroupFile(dir, 'cpu.idle', String(c.idle));
}

// cpu.stat: nr_periods, nr_throttled, throttled_time (ns). Usage is cpuacct's.
function cpuStats(dir: string, into: CgroupStats): void {
  const text = readCgroupFileIfExists(dir, 'cpu.stat');
  if (text === undefined) return;
  const m = parseFlatKeyed(text);
  into.cpu.throttling.periods = flatKeyedUint(m, 'nr_periods', 'cpu.stat');
  into.cpu.throttling.throttledPeriods = flatKeyedUint(m, 'nr_throttled', 'cpu.stat');
  into.cpu.throttling.throttledTime = flatKeyedUint(m, 'throttled_time', 'cpu.stat');
}

export const v1Cpu: CgroupController = {
  name: 'cpu',
  field: 'linux.resources.cpu',
  isRequested: isCpuRequested,
  apply: applyCpu,
  stats: cpuStats,
};
