import type { LinuxResources } from '../../../oci/runtime-spec.ts';
import { SystemError } from '../../../lib/errors.ts';
import type { ApplyReport, CgroupController } from '../controller.ts';
import { flatKeyedUint, parseFlatKeyed, readCgroupFileIfExists, writeCgroupFile } from '../cgroup-file.ts';
import { convertCpuSharesToWeight } from '../cpu-shares-to-weight.ts';
import type { CgroupStats } from '../stats.ts';
import { checkCpu } from '../v1/cpu.ts';
import { readPsi } from './psi.ts';

// cgroup v2 cpu: cpu.weight (from shares, see cpu-shares-to-weight.ts), cpu.max ("$quota
// $period"), cpu.max.burst and cpu.idle. There is no RT group scheduling on v2: realtime
// fields are reported and ignored.

const F = 'linux.resources.cpu';
const DEFAULT_PERIOD = '100000';

function isRequested(r: LinuxResources): boolean {
  const c = r.cpu;
  if (!c) return false;
  return (c.shares !== undefined && c.shares !== 0) || [c.quota, c.period, c.burst, c.idle].some((v) => v !== undefined);
}

// cpu.max holds quota and period together. The one the config leaves out keeps its current
// value, so `update --cpu-period` does not lift the quota (runc writes "max" there instead).
function cpuMaxValue(dir: string, quota: number | undefined, period: number | undefined): string | undefined {
  if ((quota === undefined || quota === 0) && (period === undefined || period === 0)) return undefined;
  const [curQuota, curPeriod] = (readCgroupFileIfExists(dir, 'cpu.max') ?? `max ${DEFAULT_PERIOD}`).trim().split(/\s+/);
  const q = quota === undefined || quota === 0 ? (curQuota ?? 'max') : quota < 0 ? 'max' : String(quota);
  const p = period === undefined || period === 0 ? (curPeriod ?? DEFAULT_PERIOD) : String(period);
  return `${q} ${p}`;
}

function applyCpu(r: LinuxResources, dir: string, report: ApplyReport): void {
  const c = r.cpu;
  if (!c) return;
  checkCpu(c);
  if ((c.realtimeRuntime ?? 0) !== 0 || (c.realtimePeriod ?? 0) !== 0) {
    report.warnings.push(`${F}.realtimeRuntime/realtimePeriod: ignored on cgroup v2 (it has no real-time group scheduling)`);
  }
  if (c.idle !== undefined) writeCgroupFile(dir, 'cpu.idle', String(c.idle));
  const weight = convertCpuSharesToWeight(c.shares ?? 0);
  if (weight !== 0) writeCgroupFile(dir, 'cpu.weight', String(weight));
  // the kernel checks burst against the quota in place, so a burst meant for a larger new
  // quota is refused (EINVAL) until the quota is written: then it is written again
  let burstPending = false;
  if (c.burst !== undefined) {
    try {
      writeCgroupFile(dir, 'cpu.max.burst', String(c.burst));
    } catch (err) {
      if (!(err instanceof SystemError && err.errno === 'EINVAL') || !c.quota) throw err;
      burstPending = true;
    }
  }
  const max = cpuMaxValue(dir, c.quota, c.period);
  if (max !== undefined) writeCgroupFile(dir, 'cpu.max', max);
  if (burstPending) writeCgroupFile(dir, 'cpu.max.burst', String(c.burst));
}

// cpu.stat is in microseconds; runc reports nanoseconds. It exists even without the cpu
// controller enabled (usage only, no throttling).
function cpuStats(dir: string, into: CgroupStats): void {
  const text = readCgroupFileIfExists(dir, 'cpu.stat');
  if (text !== undefined) {
    const m = parseFlatKeyed(text);
    into.cpu.usage.total = flatKeyedUint(m, 'usage_usec', 'cpu.stat') * 1000n;
    into.cpu.usage.user = flatKeyedUint(m, 'user_usec', 'cpu.stat') * 1000n;
    into.cpu.usage.kernel = flatKeyedUint(m, 'system_usec', 'cpu.stat') * 1000n;
    into.cpu.throttling.periods = flatKeyedUint(m, 'nr_periods', 'cpu.stat');
    into.cpu.throttling.throttledPeriods = flatKeyedUint(m, 'nr_throttled', 'cpu.stat');
    into.cpu.throttling.throttledTime = flatKeyedUint(m, 'throttled_usec', 'cpu.stat') * 1000n;
  }
  const psi = readPsi(dir, 'cpu.pressure');
  if (psi) into.cpu.psi = psi;
}

export const v2Cpu: CgroupController = {
  name: 'cpu',
  field: 'linux.resources.cpu',
  isRequested,
  apply: applyCpu,
  stats: cpuStats,
};
