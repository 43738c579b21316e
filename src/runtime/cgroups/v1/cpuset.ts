import type { LinuxResources } from '../../../oci/runtime-spec.ts';
import { InvalidConfigError } from '../../../lib/errors.ts';
import type { ApplyReport, CgroupController } from '../controller.ts';
import { parseCgroupUint, readCgroupFileIfExists, writeCgroupFile } from '../cgroup-file.ts';
import { isValidCpuList, parseCpuList } from '../cpu-list.ts';
import type { CgroupStats } from '../stats.ts';

// cgroup v1 cpuset: cpuset.cpus and cpuset.mems. placement.ts fills a new cpuset cgroup from its
// parent (an empty cpuset admits no process); this narrows it to what the config asks.

const F = 'linux.resources.cpu';

export function isCpusetRequested(r: LinuxResources): boolean {
  return Boolean(r.cpu?.cpus) || Boolean(r.cpu?.mems);
}

export function checkCpuset(r: LinuxResources): void {
  for (const key of ['cpus', 'mems'] as const) {
    const v = r.cpu?.[key];
    if (v !== undefined && !isValidCpuList(v)) throw new InvalidConfigError(`${F}.${key}`, `"${v}" is not a list such as 0-3,8`);
  }
}

function applyCpuset(r: LinuxResources, dir: string, _report: ApplyReport): void {
  checkCpuset(r);
  // mems first: a task's memory must have somewhere to go before its cpus move
  if (r.cpu?.mems) writeCgroupFile(dir, 'cpuset.mems', r.cpu.mems);
  if (r.cpu?.cpus) writeCgroupFile(dir, 'cpuset.cpus', r.cpu.cpus);
}

function cpusetStats(dir: string, into: CgroupStats): void {
  const cpus = readCgroupFileIfExists(dir, 'cpuset.cpus');
  if (cpus === undefined) return;
  const c = into.cpuset;
  c.cpus = parseCpuList(cpus);
  c.mems = parseCpuList(readCgroupFileIfExists(dir, 'cpuset.mems') ?? '');
  const flag = (file: string): bigint => {
    const t = readCgroupFileIfExists(dir, file);
    return t === undefined ? 0n : parseCgroupUint(t, file);
  };
  c.cpu_exclusive = flag('cpuset.cpu_exclusive');
  c.mem_hardwall = flag('cpuset.mem_hardwall');
  c.mem_exclusive = flag('cpuset.mem_exclusive');
  c.memory_migrate = flag('cpuset.memory_migrate');
  c.memory_spread_page = flag('cpuset.memory_spread_page');
  c.memory_spread_slab = flag('cpuset.memory_spread_slab');
  c.memory_pressure = flag('cpuset.memory_pressure');
  c.sched_load_balance = flag('cpuset.sched_load_balance');
  // -1 is a real value here (the system default), so it is not read as an unsigned counter
  const level = readCgroupFileIfExists(dir, 'cpuset.sched_relax_domain_level')?.trim();
  c.sched_relax_domain_level = level && /^-?\d+$/.test(level) ? BigInt(level) : 0n;
}

export const v1Cpuset: CgroupController = {
  name: 'cpuset',
  field: 'linux.resources.cpu',
  isRequested: isCpusetRequested,
  apply: applyCpuset,
  stats: cpusetStats,
};
