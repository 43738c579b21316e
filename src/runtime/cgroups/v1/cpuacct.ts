import type { CgroupController } from '../controller.ts';
import { parseCgroupUint, parseFlatKeyed, readCgroupFileIfExists } from '../cgroup-file.ts';
import type { CgroupStats } from '../stats.ts';

// cgroup v1 cpuacct: usage accounting only, nothing to apply. cpuacct.stat counts USER_HZ
// ticks; runc reports nanoseconds, assuming the 100 Hz every Linux architecture exports.
const NS_PER_TICK = 10_000_000n;

function parseList(text: string | undefined, what: string): bigint[] {
  if (text === undefined) return [];
  return text.trim().split(/\s+/).filter(Boolean).map((v) => parseCgroupUint(v, what));
}

function cpuacctStats(dir: string, into: CgroupStats): void {
  const total = readCgroupFileIfExists(dir, 'cpuacct.usage');
  if (total === undefined) return;
  const u = into.cpu.usage;
  u.total = parseCgroupUint(total, 'cpuacct.usage');
  u.percpu = parseList(readCgroupFileIfExists(dir, 'cpuacct.usage_percpu'), 'cpuacct.usage_percpu');
  const stat = readCgroupFileIfExists(dir, 'cpuacct.stat');
  if (stat !== undefined) {
    const m = parseFlatKeyed(stat);
    u.user = parseCgroupUint(m.get('user') ?? '0', 'cpuacct.stat user') * NS_PER_TICK;
    u.kernel = parseCgroupUint(m.get('system') ?? '0', 'cpuacct.stat system') * NS_PER_TICK;
  }
  // "cpu user system" header, then one line per cpu, in nanoseconds
  const all = readCgroupFileIfExists(dir, 'cpuacct.usage_all');
  if (all !== undefined) {
    const lines = all.split('\n').slice(1).filter((l) => l.trim());
    u.percpu_user = lines.map((l) => parseCgroupUint(l.trim().split(/\s+/)[1] ?? '0', 'cpuacct.usage_all'));
    u.percpu_kernel = lines.map((l) => parseCgroupUint(l.trim().split(/\s+/)[2] ?? '0', 'cpuacct.usage_all'));
  }
}

export const v1Cpuacct: CgroupController = {
  name: 'cpuacct',
  field: 'linux.resources.cpu',
  isRequested: () => false,
  apply: () => {},
  stats: cpuacctStats,
};
