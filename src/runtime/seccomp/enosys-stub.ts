// runc's -ENOSYS stub (libcontainer/seccomp/patchbpf), built into the search instead of
// prepended: a syscall whose number is above the highest one the profile names for an arch is
// newer than the profile, so it gets ENOSYS rather than the default EPERM. glibc and others
// take ENOSYS as "not implemented" and fall back (clone3 -> clone, faccessat2 -> faccessat),
// where EPERM would be a hard failure. Numbers at or below that highest one keep the default
// action: the profile's authors knew of them and chose not to allow them.
import type { ArchInfo } from './arch.ts';
import { ENOSYS, SECCOMP_RET_ERRNO, isPermissiveAction } from './actions.ts';

export const ENOSYS_RET = (SECCOMP_RET_ERRNO | ENOSYS) >>> 0;

// 32-bit ARM's private syscalls (__ARM_NR_BASE, 0x0f0000 and up) are not "newer" syscalls:
// they are left out when finding the highest number a profile knows.
const ARM_PRIVATE_BASE = 0x0f0000;
// x32's own entries sit at 512..547 (frozen since 2012); new syscalls are added below 512, so
// for x32 the numbers between the highest common one named and 512 are newer too.
const X32_LEGACY_BASE = 512;

// Ranges of seccomp_data.nr (nrBase included) that get ENOSYS; empty when the stub is off.
// profileNrs are the arch's table numbers of every name the profile mentions, whatever the
// rule's action (runc counts them all).
export function enosysRanges(arch: ArchInfo, profileNrs: readonly number[], defaultAction: number, enabled: boolean): [number, number][] {
  // when the default lets syscalls through there is nothing to fix, and a tracer or a
  // notifier can answer ENOSYS itself
  if (!enabled || isPermissiveAction(defaultAction) || defaultAction === ENOSYS_RET) return [];
  const ordinary = profileNrs.filter((n) => !(arch.name === 'arm' && n >= ARM_PRIVATE_BASE));
  if (ordinary.length === 0) return [];
  const max = Math.max(...ordinary);
  const ranges: [number, number][] = [];
  if (arch.name === 'x32' && max >= X32_LEGACY_BASE) {
    const common = ordinary.filter((n) => n < X32_LEGACY_BASE);
    const maxCommon = common.length ? Math.max(...common) : -1;
    if (maxCommon + 1 < X32_LEGACY_BASE) ranges.push([(maxCommon + 1 + arch.nrBase) >>> 0, (X32_LEGACY_BASE - 1 + arch.nrBase) >>> 0]);
  }
  if (max + 1 + arch.nrBase <= 0xffffffff) ranges.push([(max + 1 + arch.nrBase) >>> 0, 0xffffffff]);
  return ranges;
}
