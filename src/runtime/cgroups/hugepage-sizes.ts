import { readdirSync } from 'node:fs';
import { InvalidConfigError } from '../../lib/errors.ts';

// Huge page sizes as the hugetlb controller names them in its files ("2MB", "1GB", "64KB"),
// found from the files of the cgroup itself, so a size the host lacks is named in the error
// together with the sizes it has.

const PAGE_SIZE = /^\d+[KMG]B$/;

// `suffix` is the file that carries the limit: ".limit_in_bytes" (v1) or ".max" (v2).
export function hugepageSizesIn(dir: string, suffix: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const sizes = new Set<string>();
  for (const n of names) {
    if (!n.startsWith('hugetlb.') || !n.endsWith(suffix)) continue;
    const size = n.slice('hugetlb.'.length, n.length - suffix.length);
    if (PAGE_SIZE.test(size)) sizes.add(size);
  }
  return [...sizes].sort();
}

export function checkHugepageSize(field: string, pageSize: unknown, available: string[]): string {
  if (typeof pageSize !== 'string' || !PAGE_SIZE.test(pageSize)) {
    throw new InvalidConfigError(field, `${JSON.stringify(pageSize)} is not a page size such as 2MB or 1GB`);
  }
  if (!available.includes(pageSize)) {
    const have = available.length ? `this host has ${available.join(', ')}` : 'this host has no huge pages';
    throw new InvalidConfigError(field, `"${pageSize}" is not a huge page size of this host (${have})`);
  }
  return pageSize;
}
