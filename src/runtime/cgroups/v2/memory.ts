import type { LinuxMemory, LinuxResources } from '../../../oci/runtime-spec.ts';
import { InvalidConfigError } from '../../../lib/errors.ts';
import type { ApplyReport, CgroupController } from '../controller.ts';
import { hasCgroupFile, parseCgroupUint, parseFlatKeyed, readCgroupFileIfExists, writeCgroupFile } from '../cgroup-file.ts';
import { checkInteger, checkLimit } from '../resource-checks.ts';
import type { CgroupStats, MemoryEntry } from '../stats.ts';
import { readPsi } from './psi.ts';

// cgroup v2 memory: memory.max (limit), memory.low (reservation), memory.swap.max (swap alone,
// where the spec's swap is memory plus swap). kernel, kernelTCP, swappiness and
// disableOOMKiller have no v2 file: they are reported and ignored, as runc and crun do.

const F = 'linux.resources.memory';
const MAX = 0xffff_ffff_ffff_ffffn;

// -1 is unlimited ("max"), 0 is not set (nothing written)
function limitValue(v: number | undefined): string | undefined {
  if (v === undefined || v === 0) return undefined;
  return v === -1 ? 'max' : String(v);
}

// The spec's swap is memory+swap (a v1 notion); memory.swap.max is swap alone.
export function convertSwapToV2(swap: number | undefined, limit: number | undefined): string | undefined {
  const s = swap ?? 0;
  const l = limit ?? 0;
  if (l === -1 && s === 0) return 'max'; // "unlimited memory" lifts swap too, as on v1
  if (s === 0) return undefined;
  if (s === -1) return 'max';
  if (l === 0 || l === -1) {
    throw new InvalidConfigError(`${F}.swap`, 'needs memory.limit: swap is the limit of memory plus swap, so a swap limit needs a memory limit');
  }
  if (s < l) throw new InvalidConfigError(`${F}.swap`, `${s} is below memory.limit ${l}: swap is the limit of memory plus swap, so it must be at least the memory limit`);
  return String(s - l);
}

function warnV1Only(m: LinuxMemory, report: ApplyReport): void {
  const ignored = (field: string, why: string): void => {
    report.warnings.push(`${F}.${field}: ignored on cgroup v2 (${why})`);
  };
  if (m.kernel !== undefined && m.kernel !== 0) ignored('kernel', 'kernel memory is part of memory.max');
  if (m.kernelTCP !== undefined && m.kernelTCP !== 0) ignored('kernelTCP', 'kernel memory is part of memory.max');
  if (m.swappiness !== undefined) ignored('swappiness', 'there is no per-cgroup swappiness');
  if (m.disableOOMKiller === true) ignored('disableOOMKiller', 'the OOM killer cannot be turned off for a cgroup');
  if (m.useHierarchy === false) ignored('useHierarchy', 'cgroup v2 is always hierarchical');
}

function applyMemory(r: LinuxResources, dir: string, report: ApplyReport): void {
  const m = r.memory;
  if (!m) return;
  if (m.limit !== undefined) checkLimit(`${F}.limit`, m.limit);
  if (m.reservation !== undefined) checkLimit(`${F}.reservation`, m.reservation);
  if (m.swap !== undefined) checkLimit(`${F}.swap`, m.swap);
  if (m.swappiness !== undefined) checkInteger(`${F}.swappiness`, m.swappiness, { min: 0, max: 100 });
  const swap = convertSwapToV2(m.swap, m.limit);
  const limit = limitValue(m.limit);
  warnV1Only(m, report);

  if (m.checkBeforeUpdate && m.limit !== undefined && m.limit > 0) {
    // v2 takes a limit below usage and reclaims (or OOM-kills) to meet it; the spec's
    // checkBeforeUpdate asks to refuse that instead
    const current = readCgroupFileIfExists(dir, 'memory.current');
    if (current !== undefined && parseCgroupUint(current, 'memory.current') > BigInt(m.limit)) {
      throw new InvalidConfigError(`${F}.limit`, `${m.limit} is below the current usage of ${current.trim()} bytes (checkBeforeUpdate is set)`);
    }
  }
  if (swap !== undefined) {
    if (hasCgroupFile(dir, 'memory.swap.max')) writeCgroupFile(dir, 'memory.swap.max', swap);
    else if (swap !== 'max' && swap !== '0') {
      throw new InvalidConfigError(`${F}.swap`, 'this kernel has no swap accounting (memory.swap.max is missing)');
    }
  }
  if (limit !== undefined) writeCgroupFile(dir, 'memory.max', limit);
  const low = limitValue(m.reservation);
  if (low !== undefined) writeCgroupFile(dir, 'memory.low', low);
}

function readEntry(dir: string, prefix: string): MemoryEntry | undefined {
  const current = readCgroupFileIfExists(dir, `${prefix}.current`);
  if (current === undefined) return undefined;
  const read = (suffix: string): bigint => {
    const t = readCgroupFileIfExists(dir, `${prefix}.${suffix}`);
    return t === undefined ? 0n : parseCgroupUint(t, `${prefix}.${suffix}`);
  };
  return { usage: parseCgroupUint(current, `${prefix}.current`), limit: read('max'), max: read('peak'), failcnt: 0n };
}

// As runc: usage from memory.current/max/peak; swap reported as memory+swap, the v1 way.
function memoryStats(dir: string, into: CgroupStats): void {
  const stat = readCgroupFileIfExists(dir, 'memory.stat');
  if (stat !== undefined) {
    for (const [k, v] of parseFlatKeyed(stat)) into.memory.raw[k] = parseCgroupUint(v, `memory.stat ${k}`);
    into.memory.cache = into.memory.raw['file'] ?? 0n;
  }
  const usage = readEntry(dir, 'memory');
  if (usage) {
    const events = readCgroupFileIfExists(dir, 'memory.events');
    if (events !== undefined) usage.failcnt = parseCgroupUint(parseFlatKeyed(events).get('max') ?? '0', 'memory.events max');
    into.memory.usage = usage;
    const swapOnly = readEntry(dir, 'memory.swap');
    if (swapOnly) {
      into.memory.swap = {
        usage: swapOnly.usage + usage.usage,
        limit: swapOnly.limit === MAX || usage.limit === MAX ? MAX : swapOnly.limit + usage.limit,
        max: 0n,
        failcnt: 0n,
      };
    }
  }
  const psi = readPsi(dir, 'memory.pressure');
  if (psi) into.memory.psi = psi;
}

// memory.events' oom_kill: processes the OOM killer killed in this cgroup and below. The file
// raises an inotify/poll event when it changes, so a watcher needs no polling on v2.
export function readV2OomKillCount(dir: string): bigint {
  const text = readCgroupFileIfExists(dir, 'memory.events');
  if (text === undefined) return 0n;
  const v = parseFlatKeyed(text).get('oom_kill');
  return v === undefined ? 0n : parseCgroupUint(v, 'memory.events oom_kill');
}

// Only what v2 can apply needs the controller; v1-only fields are warnings wherever they are.
function isRequested(r: LinuxResources): boolean {
  const m = r.memory;
  return m !== undefined && [m.limit, m.reservation, m.swap].some((v) => v !== undefined && v !== 0);
}

export const v2Memory: CgroupController = {
  name: 'memory',
  field: 'linux.resources.memory',
  isRequested,
  apply: applyMemory,
  stats: memoryStats,
};
