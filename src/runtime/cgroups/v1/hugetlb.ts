import type { LinuxResources } from '../../../oci/runtime-spec.ts';
import type { ApplyReport, CgroupController } from '../controller.ts';
import { hasCgroupFile, parseCgroupUint, readCgroupFileIfExists, writeCgroupFile } from '../cgroup-file.ts';
import { checkHugepageSize, hugepageSizesIn } from '../hugepage-sizes.ts';
import { checkInteger } from '../resource-checks.ts';
import type { CgroupStats } from '../stats.ts';

// cgroup v1 hugetlb: hugetlb.<size>.limit_in_bytes, and the reservation limit
// hugetlb.<size>.rsvd.limit_in_bytes (Linux 5.7+) set to the same value, as runc does, so
// that pages reserved by mmap but not yet faulted in count too.

const F = 'linux.resources.hugepageLimits';

export function isHugetlbRequested(r: LinuxResources): boolean {
  return Boolean(r.hugepageLimits?.length);
}

function applyHugetlb(r: LinuxResources, dir: string, _report: ApplyReport): void {
  const limits = r.hugepageLimits ?? [];
  const sizes = hugepageSizesIn(dir, '.limit_in_bytes');
  limits.forEach((l, i) => {
    checkHugepageSize(`${F}[${i}].pageSize`, l.pageSize, sizes);
    checkInteger(`${F}[${i}].limit`, l.limit, { min: 0 });
  });
  for (const l of limits) {
    writeCgroupFile(dir, `hugetlb.${l.pageSize}.limit_in_bytes`, String(l.limit));
    const rsvd = `hugetlb.${l.pageSize}.rsvd.limit_in_bytes`;
    if (hasCgroupFile(dir, rsvd)) writeCgroupFile(dir, rsvd, String(l.limit));
  }
}

function hugetlbStats(dir: string, into: CgroupStats): void {
  for (const size of hugepageSizesIn(dir, '.limit_in_bytes')) {
    const read = (name: string): bigint => {
      const t = readCgroupFileIfExists(dir, `hugetlb.${size}.${name}`);
      return t === undefined ? 0n : parseCgroupUint(t, `hugetlb.${size}.${name}`);
    };
    into.hugetlb[size] = { usage: read('usage_in_bytes'), max: read('max_usage_in_bytes'), failcnt: read('failcnt') };
  }
}

export const v1Hugetlb: CgroupController = {
  name: 'hugetlb',
  field: 'linux.resources.hugepageLimits',
  isRequested: isHugetlbRequested,
  apply: applyHugetlb,
  stats: hugetlbStats,
};
