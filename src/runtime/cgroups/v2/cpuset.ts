import type { LinuxResources } from '../../../oci/runtime-spec.ts';
import type { ApplyReport, CgroupController } from '../controller.ts';
import { readCgroupFileIfExists, writeCgroupFile } from '../cgroup-file.ts';
import { parseCpuList } from '../cpu-list.ts';
import type { CgroupStats } from '../stats.ts';
import { checkCpuset, isCpusetRequested } from '../v1/cpuset.ts';

// cgroup v2 cpuset: cpuset.cpus and cpuset.mems. Unlike v1, an empty value means "inherit", so
// a new cgroup needs no copying from its parent.

function applyCpuset(r: LinuxResources, dir: string, _report: ApplyReport): void {
  checkCpuset(r);
  if (r.cpu?.mems) writeCgroupFile(dir, 'cpuset.mems', r.cpu.mems);
  if (r.cpu?.cpus) writeCgroupFile(dir, 'cpuset.cpus', r.cpu.cpus);
}

// v2 has no exclusive/spread flags; the effective sets are what the container gets.
function cpusetStats(dir: string, into: CgroupStats): void {
  const cpus = readCgroupFileIfExists(dir, 'cpuset.cpus.effective');
  if (cpus === undefined) return;
  into.cpuset.cpus = parseCpuList(cpus);
  into.cpuset.mems = parseCpuList(readCgroupFileIfExists(dir, 'cpuset.mems.effective') ?? '');
}

export const v2Cpuset: CgroupController = {
  name: 'cpuset',
  field: 'linux.resources.cpu',
  isRequested: isCpusetRequested,
  apply: applyCpuset,
  stats: cpusetStats,
};
