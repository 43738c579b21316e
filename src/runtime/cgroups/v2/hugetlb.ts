import type { LinuxResources } from '../../../oci/runtime-spec.ts';
import type { ApplyReport, CgroupController } from '../controller.ts';
import { hasCgroupFile, parseCgroupUint, parseFlatKeyed, readCgroupFileIfExists, writeCgroupFile } from '../cgroup-file.ts';
import { checkHugepageSize, hugepageSizesIn } from '../hugepage-sizes.ts';
import { checkInteger } from '../resource-checks.ts';
import type { CgroupStats } from '../stats.ts';
import { isHugetlbRequested } from '../v1/hugetlb.ts';

// cgroup v2 hugetlb: hugetlb.<size>.max, and hugetlb.<size>.rsvd.max (Linux 5.7+) to the same
// value so reservations count too (runc does both).

const F = 'linux.resources.hugepageLimits';

function applyHugetlb(r: LinuxResources, dir: string, _report: ApplyReport): void {
  const limits = r.hugepageLimits ?? [];
  const sizes = hugepageSizesIn(dir, '.max');
  limits.forEach((l, i) => {
    checkHugepageSize(`${F}[${i}].pageSize`, l.pageSize, sizes);
    checkInteger(`${F}[${i}].limit`, l.limit, { min: 0 });
  });
  for (const l of limits) {
    writeCgroupFile(dir, `hugetlb.${l.pageSize}.max`, String(l.limit));
    const rsvd = `hugetlb.${l.pageSize}.rsvd.max`;
    if (hasCgroupFile(dir, rsvd)) writeCgroupFile(dir, rsvd, String(l.limit));
  }
}

// As runc: usage from .rsvd.current when present (it includes reservations), failcnt from the
// "max" count of .events; v2 keeps no peak.
function hugetlbStats(dir: string, into: CgroupStats): void {
  for (const size of hugepageSizesIn(dir, '.max')) {
    const prefix = `hugetlb.${size}`;
    const current = readCgroupFileIfExists(dir, `${prefix}.rsvd.current`) ?? readCgroupFileIfExists(dir, `${prefix}.current`);
    const events = readCgroupFileIfExists(dir, `${prefix}.events`);
    into.hugetlb[size] = {
      usage: current === undefined ? 0n : parseCgroupUint(current, `${prefix}.current`),
      max: 0n,
      failcnt: events === undefined ? 0n : parseCgroupUint(parseFlatKeyed(events).get('max') ?? '0', `${prefix}.events max`),
    };
  }
}

export const v2Hugetlb: CgroupController = {
  name: 'hugetlb',
  field: 'linux.resources.hugepageLimits',
  isRequested: isHugetlbRequested,
  apply: applyHugetlb,
  stats: hugetlbStats,
};
