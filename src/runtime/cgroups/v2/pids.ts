import type { CgroupController } from '../controller.ts';
import { readCgroupFileIfExists } from '../cgroup-file.ts';
import type { CgroupStats } from '../stats.ts';
import { applyPids, isPidsRequested, pidsStats } from '../v1/pids.ts';

// cgroup v2 pids: the same pids.max as v1 (see v1/pids.ts). Without the controller enabled,
// the count comes from cgroup.procs, as runc does.

function pidsStatsV2(dir: string, into: CgroupStats): void {
  if (readCgroupFileIfExists(dir, 'pids.current') !== undefined) {
    pidsStats(dir, into);
    return;
  }
  const procs = readCgroupFileIfExists(dir, 'cgroup.procs');
  if (procs !== undefined) into.pids.current = BigInt(procs.split('\n').filter(Boolean).length);
}

export const v2Pids: CgroupController = {
  name: 'pids',
  field: 'linux.resources.pids',
  isRequested: isPidsRequested,
  apply: applyPids,
  stats: pidsStatsV2,
};
