import type { LinuxMemory, LinuxResources } from '../../../oci/runtime-spec.ts';
import { InvalidConfigError, SystemError } from '../../../lib/errors.ts';
import type { ApplyReport, CgroupController } from '../controller.ts';
import { hasCgroupFile, parseCgroupUint, parseFlatKeyed, readCgroupFile, readCgroupFileIfExists, writeCgroupFile } from '../cgroup-file.ts';
import { checkInteger, checkLimit } from '../resource-checks.ts';
import type { CgroupStats, MemoryEntry } from '../stats.ts';

// cgroup v1 memory: memory.limit_in_bytes, memory.memsw.limit_in_bytes (limit + swap),
// soft_limit_in_bytes (reservation), kmem and kmem.tcp limits, swappiness, oom_control.

const F = 'linux.resources.memory';

export function isMemoryRequested(r: LinuxResources): boolean {
  const m = r.memory;
  return m !== undefined && Object.values(m).some((v) => v !== undefined);
}

function checkMemory(m: LinuxMemory): void {
  if (m.limit !== undefined) checkLimit(`${F}.limit`, m.limit);
  if (m.reservation !== undefined) checkLimit(`${F}.reservation`, m.reservation);
  if (m.swap !== undefined) checkLimit(`${F}.swap`, m.swap);
  if (m.kernel !== undefined) checkLimit(`${F}.kernel`, m.kernel);
  if (m.kernelTCP !== undefined) checkLimit(`${F}.kernelTCP`, m.kernelTCP);
  if (m.swappiness !== undefined) checkInteger(`${F}.swappiness`, m.swappiness, { min: 0, max: 100 });
  const limit = m.limit ?? 0;
  const swap = m.swap ?? 0;
  if (limit > 0 && swap > 0 && swap < limit) {
    throw new InvalidConfigError(`${F}.swap`, `${swap} is below memory.limit ${limit}: swap is the limit of memory plus swap, so it must be at least the memory limit`);
  }
}

// EBUSY from memory.limit_in_bytes means the kernel could not reclaim below the new limit.
function writeLimit(dir: string, value: number): void {
  try {
    writeCgroupFile(dir, 'memory.limit_in_bytes', String(value));
  } catch (err) {
    if (err instanceof SystemError && err.errno === 'EBUSY') {
      const usage = readCgroupFileIfExists(dir, 'memory.usage_in_bytes')?.trim() ?? 'unknown';
      throw new InvalidConfigError(`${F}.limit`, `cannot lower the limit to ${value} bytes: the cgroup uses ${usage} bytes and the kernel could not reclaim enough`, { cause: err });
    }
    throw err;
  }
}

function writeSwap(dir: string, value: number): void {
  if (!hasCgroupFile(dir, 'memory.memsw.limit_in_bytes')) {
    throw new InvalidConfigError(`${F}.swap`, 'this kernel has no swap accounting (memory.memsw.limit_in_bytes is missing; it needs swapaccount=1 on the kernel command line)');
  }
  writeCgroupFile(dir, 'memory.memsw.limit_in_bytes', String(value));
}

// The kernel refuses memory > memsw at every moment, so the order of the two writes depends on
// whether the limits grow or shrink (runc's setMemoryAndSwap).
function applyLimitAndSwap(m: LinuxMemory, dir: string): void {
  const limit = m.limit ?? 0;
  let swap = m.swap ?? 0;
  // "unlimited memory" with no word on swap means unlimited swap too, or the old memsw limit
  // would still cap the container
  if (limit === -1 && swap === 0 && hasCgroupFile(dir, 'memory.memsw.limit_in_bytes')) swap = -1;
  if (swap === -1 && !hasCgroupFile(dir, 'memory.memsw.limit_in_bytes')) swap = 0; // nothing to lift
  if (limit !== 0 && swap !== 0) {
    const current = parseCgroupUint(readCgroupFile(dir, 'memory.limit_in_bytes'), 'memory.limit_in_bytes');
    if (swap === -1 || current < BigInt(swap)) {
      writeSwap(dir, swap);
      writeLimit(dir, limit);
    } else {
      writeLimit(dir, limit);
      writeSwap(dir, swap);
    }
    return;
  }
  if (limit !== 0) writeLimit(dir, limit);
  if (swap !== 0) writeSwap(dir, swap);
}

// Kernel memory limits were deprecated in Linux 5.4 and made a no-op later: the write succeeds
// and the value reads back unchanged. Say so rather than pretend the limit holds.
function applyKernelLimit(dir: string, file: string, field: string, value: number, report: ApplyReport): void {
  if (!hasCgroupFile(dir, file)) {
    report.warnings.push(`${field}: ignored, this kernel has no ${file}`);
    return;
  }
  writeCgroupFile(dir, file, String(value));
  const back = parseCgroupUint(readCgroupFile(dir, file), file);
  if (value > 0 && back !== BigInt(value) && back !== (BigInt(value) / 4096n) * 4096n) {
    report.warnings.push(`${field}: ignored by this kernel (${file} reads ${back} after writing ${value}; kernel memory limits are deprecated)`);
  }
}

function applyMemory(r: LinuxResources, dir: string, report: ApplyReport): void {
  const m = r.memory;
  if (!m) return;
  checkMemory(m);
  applyLimitAndSwap(m, dir);
  if (m.reservation !== undefined && m.reservation !== 0) writeCgroupFile(dir, 'memory.soft_limit_in_bytes', String(m.reservation));
  if (m.kernel !== undefined && m.kernel !== 0) applyKernelLimit(dir, 'memory.kmem.limit_in_bytes', `${F}.kernel`, m.kernel, report);
  if (m.kernelTCP !== undefined && m.kernelTCP !== 0) applyKernelLimit(dir, 'memory.kmem.tcp.limit_in_bytes', `${F}.kernelTCP`, m.kernelTCP, report);
  if (m.swappiness !== undefined) writeCgroupFile(dir, 'memory.swappiness', String(m.swappiness));
  if (m.disableOOMKiller !== undefined) writeCgroupFile(dir, 'memory.oom_control', m.disableOOMKiller ? '1' : '0');
  if (m.useHierarchy !== undefined) {
    const want = m.useHierarchy ? '1' : '0';
    const current = readCgroupFileIfExists(dir, 'memory.use_hierarchy')?.trim();
    if (current !== undefined && current !== want) {
      try {
        writeCgroupFile(dir, 'memory.use_hierarchy', want);
      } catch {
        // Linux 5.x+ is always hierarchical and refuses 0 with EINVAL
        report.warnings.push(`${F}.useHierarchy: ignored, this kernel keeps memory.use_hierarchy at ${current}`);
      }
    }
  }
}

function readEntry(dir: string, prefix: string, optional: boolean): MemoryEntry {
  const usage = readCgroupFileIfExists(dir, `${prefix}.usage_in_bytes`);
  if (usage === undefined) {
    if (optional) return { limit: 0n, usage: 0n, max: 0n, failcnt: 0n };
    throw new SystemError('E_CGROUP_READ', `reading ${dir}/${prefix}.usage_in_bytes: no such file or directory (ENOENT)`, 'ENOENT');
  }
  const read = (name: string): bigint => {
    const t = readCgroupFileIfExists(dir, `${prefix}.${name}`);
    return t === undefined ? 0n : parseCgroupUint(t, `${prefix}.${name}`);
  };
  return { usage: parseCgroupUint(usage, `${prefix}.usage_in_bytes`), max: read('max_usage_in_bytes'), failcnt: read('failcnt'), limit: read('limit_in_bytes') };
}

function memoryStats(dir: string, into: CgroupStats): void {
  const stat = readCgroupFileIfExists(dir, 'memory.stat');
  if (stat === undefined) return;
  for (const [k, v] of parseFlatKeyed(stat)) into.memory.raw[k] = parseCgroupUint(v, `memory.stat ${k}`);
  into.memory.cache = into.memory.raw['cache'] ?? 0n;
  into.memory.usage = readEntry(dir, 'memory', false);
  into.memory.swap = readEntry(dir, 'memory.memsw', true);
  into.memory.kernel = readEntry(dir, 'memory.kmem', true);
  into.memory.kernelTCP = readEntry(dir, 'memory.kmem.tcp', true);
}

// memory.oom_control's oom_kill counter (Linux 4.13+): processes the OOM killer killed in this
// cgroup. Polled, because the v1 notification needs an eventfd registered through
// cgroup.event_control, which Node cannot create.
export function readV1OomKillCount(dir: string): bigint {
  const text = readCgroupFileIfExists(dir, 'memory.oom_control');
  if (text === undefined) return 0n;
  const v = parseFlatKeyed(text).get('oom_kill');
  return v === undefined ? 0n : parseCgroupUint(v, 'memory.oom_control oom_kill');
}

export const v1Memory: CgroupController = {
  name: 'memory',
  field: 'linux.resources.memory',
  isRequested: isMemoryRequested,
  apply: applyMemory,
  stats: memoryStats,
};
