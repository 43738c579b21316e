import type { LinuxResources } from '../../../oci/runtime-spec.ts';
import { InvalidConfigError } from '../../../lib/errors.ts';
import type { ApplyReport, CgroupController } from '../controller.ts';
import { hasCgroupFile, readCgroupFileIfExists, writeCgroupFile } from '../cgroup-file.ts';
import { convertCpuSharesToWeight } from '../cpu-shares-to-weight.ts';
import { pidsMaxValue } from '../v1/pids.ts';
import { convertSwapToV2 } from './memory.ts';

// linux.resources.unified: cgroup v2 file -> value, written as given after every structured
// field. A key is refused when it
// - is not one file name of this directory ("../x", "a/b", ".hidden"): it would write elsewhere;
// - names a cgroup.* file berth itself manages (procs, threads, subtree_control, type, freeze,
//   kill) or one that is read-only;
// - belongs to a controller not enabled for the cgroup, or (hybrid hosts) to one that lives in
//   a v1 hierarchy there, where the v2 file would have no effect;
// - says something different from a structured field that writes the same file
//   ("memory.max": "1G" with memory.limit 2147483648): which one should win is not guessable.

const F = 'linux.resources.unified';
const KEY = /^[a-z][a-z0-9_]*\.[A-Za-z0-9_.-]+$/;
const WRITABLE_CORE = new Set(['cgroup.max.depth', 'cgroup.max.descendants', 'cgroup.pressure']);
const MANAGED_CORE = new Set(['cgroup.procs', 'cgroup.threads', 'cgroup.subtree_control', 'cgroup.type', 'cgroup.freeze', 'cgroup.kill']);
// files no controller owns (they exist in every cgroup)
const CORE_PREFIXES = new Set(['cgroup']);

// The kernel's memparse suffixes for memory.* values ("1G" = 1073741824).
function normalizeBytes(v: string): string {
  const m = /^(\d+)([kKmMgGtTpPeE]?)$/.exec(v.trim());
  if (!m) return v.trim();
  const shift = { '': 0n, k: 10n, m: 20n, g: 30n, t: 40n, p: 50n, e: 60n }[m[2]!.toLowerCase() as '' | 'k'];
  return String(BigInt(m[1]!) << shift);
}

interface Structured {
  field: string;
  // the value the structured field writes, normalized like the unified value
  value: string;
  normalize: (v: string) => string;
}

const plain = (v: string): string => v.trim();

// What a structured field of `r` writes to `key`, if any.
function structuredFor(key: string, r: LinuxResources): Structured | 'multi' | undefined {
  const m = r.memory;
  const c = r.cpu;
  switch (key) {
    case 'memory.max':
      if (m?.limit) return { field: 'linux.resources.memory.limit', value: m.limit === -1 ? 'max' : String(m.limit), normalize: normalizeBytes };
      return undefined;
    case 'memory.low':
      if (m?.reservation) return { field: 'linux.resources.memory.reservation', value: m.reservation === -1 ? 'max' : String(m.reservation), normalize: normalizeBytes };
      return undefined;
    case 'memory.swap.max': {
      const swap = m && (m.swap || m.limit === -1) ? convertSwapToV2(m.swap, m.limit) : undefined;
      return swap === undefined ? undefined : { field: 'linux.resources.memory.swap', value: swap, normalize: normalizeBytes };
    }
    case 'cpu.weight':
      if (c?.shares) return { field: 'linux.resources.cpu.shares', value: String(convertCpuSharesToWeight(c.shares)), normalize: plain };
      return undefined;
    case 'cpu.max.burst':
      if (c?.burst !== undefined) return { field: 'linux.resources.cpu.burst', value: String(c.burst), normalize: plain };
      return undefined;
    case 'cpu.idle':
      if (c?.idle !== undefined) return { field: 'linux.resources.cpu.idle', value: String(c.idle), normalize: plain };
      return undefined;
    case 'cpuset.cpus':
      if (c?.cpus) return { field: 'linux.resources.cpu.cpus', value: c.cpus, normalize: plain };
      return undefined;
    case 'cpuset.mems':
      if (c?.mems) return { field: 'linux.resources.cpu.mems', value: c.mems, normalize: plain };
      return undefined;
    case 'pids.max':
      if (r.pids?.limit !== undefined) return { field: 'linux.resources.pids.limit', value: pidsMaxValue(r.pids.limit), normalize: plain };
      return undefined;
    case 'cpu.max':
    case 'io.max':
    case 'io.weight':
    case 'io.bfq.weight':
    case 'rdma.max':
      return hasStructuredMulti(key, r) ? 'multi' : undefined;
  }
  const huge = /^hugetlb\.(\d+[KMG]B)\.max$/.exec(key);
  if (huge) {
    const l = r.hugepageLimits?.find((h) => h.pageSize === huge[1]);
    if (l) return { field: 'linux.resources.hugepageLimits', value: String(l.limit), normalize: normalizeBytes };
  }
  return undefined;
}

// Files that hold several settings at once: any structured value for them conflicts.
function hasStructuredMulti(key: string, r: LinuxResources): boolean {
  const b = r.blockIO;
  switch (key) {
    case 'cpu.max':
      return Boolean(r.cpu?.quota) || Boolean(r.cpu?.period);
    case 'io.max':
      return Boolean(b?.throttleReadBpsDevice?.length || b?.throttleWriteBpsDevice?.length || b?.throttleReadIOPSDevice?.length || b?.throttleWriteIOPSDevice?.length);
    case 'io.weight':
    case 'io.bfq.weight':
      return Boolean(b?.weight) || Boolean(b?.weightDevice?.some((d) => d.weight));
    case 'rdma.max':
      return r.rdma !== undefined && Object.keys(r.rdma).length > 0;
  }
  return false;
}

function structuredFieldOf(key: string): string {
  return (
    { 'cpu.max': 'linux.resources.cpu.quota/period', 'io.max': 'linux.resources.blockIO throttle devices', 'io.weight': 'linux.resources.blockIO weights', 'io.bfq.weight': 'linux.resources.blockIO weights', 'rdma.max': 'linux.resources.rdma' } as Record<string, string>
  )[key]!;
}

export function checkUnifiedKey(key: string, value: unknown, r: LinuxResources, dir: string, v1Controllers: readonly string[]): void {
  const f = `${F}["${key}"]`;
  if (typeof value !== 'string') throw new InvalidConfigError(f, `the value must be a string, not ${JSON.stringify(value)}`);
  if (!KEY.test(key) || key.includes('..')) {
    throw new InvalidConfigError(f, 'is not a cgroup v2 interface file name such as "memory.high" (no paths, no leading dot)');
  }
  const controller = key.slice(0, key.indexOf('.'));
  if (MANAGED_CORE.has(key)) throw new InvalidConfigError(f, 'is managed by berth itself (membership, freezing, delegation) and cannot be set');
  if (CORE_PREFIXES.has(controller)) {
    if (!WRITABLE_CORE.has(key)) throw new InvalidConfigError(f, hasCgroupFile(dir, key) ? 'is read-only' : 'is not a cgroup v2 interface file');
  } else {
    if (v1Controllers.includes(controller)) {
      throw new InvalidConfigError(f, `the ${controller} controller is mounted as cgroup v1 on this host, where the cgroup v2 file has no effect: use the structured linux.resources fields`);
    }
    const enabled = (readCgroupFileIfExists(dir, 'cgroup.controllers') ?? '').split(/\s+/).filter(Boolean);
    if (!enabled.includes(controller) && !hasCgroupFile(dir, key)) {
      throw new InvalidConfigError(f, `the ${controller} controller is not enabled for this cgroup (cgroup.controllers: "${enabled.join(' ')}")`);
    }
    if (!hasCgroupFile(dir, key)) throw new InvalidConfigError(f, `is not a file of the ${controller} controller on this kernel`);
  }
  const s = structuredFor(key, r);
  if (s === 'multi') throw new InvalidConfigError(f, `sets the same file as ${structuredFieldOf(key)}: set one of them, not both`);
  if (s && s.normalize(value) !== s.normalize(s.value)) {
    throw new InvalidConfigError(f, `"${value}" conflicts with ${s.field}, which sets ${key} to "${s.value}"`);
  }
}

// `v1Controllers`: controllers a v1 hierarchy hosts (hybrid); empty on a pure v2 host.
export function createUnifiedController(v1Controllers: readonly string[] = []): CgroupController {
  return {
    name: 'unified',
    field: 'linux.resources.unified',
    core: true,
    isRequested: (r) => r.unified !== undefined && Object.keys(r.unified).length > 0,
    apply(r: LinuxResources, dir: string, _report: ApplyReport): void {
      const entries = Object.entries(r.unified ?? {});
      for (const [k, v] of entries) checkUnifiedKey(k, v, r, dir, v1Controllers);
      for (const [k, v] of entries) writeCgroupFile(dir, k, v);
    },
  };
}
