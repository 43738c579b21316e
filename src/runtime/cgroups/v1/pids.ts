import type { LinuxResources } from '../../../oci/runtime-spec.ts';
import type { ApplyReport, CgroupController } from '../controller.ts';
import { parseCgroupUint, readCgroupFileIfExists, writeCgroupFile } from '../cgroup-file.ts';
import { checkInteger } from '../resource-checks.ts';
import type { CgroupStats } from '../stats.ts';

// pids.max, the same file in v1 and v2. The spec's -1 and 0 both mean "no limit" (runc writes
// "max" for limit <= 0); a positive limit is the number of tasks, threads included.

export function isPidsRequested(r: LinuxResources): boolean {
  return r.pids?.limit !== undefined;
}

export function pidsMaxValue(limit: number): string {
  checkInteger('linux.resources.pids.limit', limit, { min: -1 });
  return limit > 0 ? String(limit) : 'max';
}

export function applyPids(r: LinuxResources, dir: string, _report: ApplyReport): void {
  if (r.pids?.limit === undefined) return;
  writeCgroupFile(dir, 'pids.max', pidsMaxValue(r.pids.limit));
}

// runc reports "max" as a limit of 0
export function pidsStats(dir: string, into: CgroupStats): void {
  const current = readCgroupFileIfExists(dir, 'pids.current');
  if (current === undefined) return;
  into.pids.current = parseCgroupUint(current, 'pids.current');
  const max = readCgroupFileIfExists(dir, 'pids.max')?.trim();
  into.pids.limit = max === undefined || max === 'max' ? 0n : parseCgroupUint(max, 'pids.max');
}

export const v1Pids: CgroupController = {
  name: 'pids',
  field: 'linux.resources.pids',
  isRequested: isPidsRequested,
  apply: applyPids,
  stats: pidsStats,
};
