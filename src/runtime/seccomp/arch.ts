// The architectures berth compiles seccomp filters for. The kernel tags every syscall with an
// AUDIT_ARCH_* value (seccomp_data.arch), so one filter can serve several ABIs of the same
// machine: a 64-bit x86 kernel runs x86_64, i386 and x32 programs, an arm64 kernel runs aarch64
// and 32-bit arm ones.
import type { SyscallTable } from './syscalls/syscall-table.ts';
import { X86_64_SYSCALLS } from './syscalls/x86_64.ts';
import { X32_SYSCALLS } from './syscalls/x32.ts';
import { X86_SYSCALLS } from './syscalls/x86.ts';
import { AARCH64_SYSCALLS } from './syscalls/aarch64.ts';
import { ARM_SYSCALLS } from './syscalls/arm.ts';

import type { SeccompArch } from './native-arch.ts';

export type { SeccompArch } from './native-arch.ts';
export { nativeSeccompArch } from './native-arch.ts';

// <linux/audit.h>: EM_* | __AUDIT_ARCH_64BIT (0x80000000) | __AUDIT_ARCH_LE (0x40000000)
export const AUDIT_ARCH_X86_64 = 0xc000003e;
export const AUDIT_ARCH_I386 = 0x40000003;
export const AUDIT_ARCH_AARCH64 = 0xc00000b7;
export const AUDIT_ARCH_ARM = 0x40000028;

// x32 has no audit arch of its own: its syscalls arrive as AUDIT_ARCH_X86_64 with this bit set
// in the number (arch/x86/include/uapi/asm/unistd.h). Like libseccomp, berth takes every number
// from this bit up as x32 (numbers from 0x80000000 are invalid on both ABIs), except -1, which a
// tracer sets to skip a syscall and which counts as x86_64.
export const X32_SYSCALL_BIT = 0x40000000;

export interface ArchInfo {
  name: SeccompArch;
  auditArch: number;
  // The width of a syscall argument as comparisons see it. On 32-bit ABIs the upper half of
  // seccomp_data.args[i] is not part of the argument, so comparisons look at the lower half only,
  // as libseccomp does. x32 counts as 32-bit here, as in libseccomp: its C long and pointers are
  // 32 bits, and the kernel truncates int arguments, so the upper half carries nothing a rule
  // on such an argument could mean.
  bits: 32 | 64;
  // Where the 32-bit halves of a 64-bit seccomp_data field are: every target here is
  // little-endian, so the low word comes first. Big-endian targets (s390x, ppc64) would swap.
  littleEndian: true;
  // Added to every table number to get seccomp_data.nr (the x32 bit), 0 elsewhere.
  nrBase: number;
  table: SyscallTable;
}

export const ARCHES: Readonly<Record<SeccompArch, ArchInfo>> = {
  x86_64: { name: 'x86_64', auditArch: AUDIT_ARCH_X86_64, bits: 64, littleEndian: true, nrBase: 0, table: X86_64_SYSCALLS },
  x32: { name: 'x32', auditArch: AUDIT_ARCH_X86_64, bits: 32, littleEndian: true, nrBase: X32_SYSCALL_BIT, table: X32_SYSCALLS },
  x86: { name: 'x86', auditArch: AUDIT_ARCH_I386, bits: 32, littleEndian: true, nrBase: 0, table: X86_SYSCALLS },
  aarch64: { name: 'aarch64', auditArch: AUDIT_ARCH_AARCH64, bits: 64, littleEndian: true, nrBase: 0, table: AARCH64_SYSCALLS },
  arm: { name: 'arm', auditArch: AUDIT_ARCH_ARM, bits: 32, littleEndian: true, nrBase: 0, table: ARM_SYSCALLS },
};

// The spec's names (config-linux.md#seccomp, "architectures") for the arches above.
export const SPEC_ARCH_NAMES: Readonly<Record<string, SeccompArch>> = {
  SCMP_ARCH_X86_64: 'x86_64',
  SCMP_ARCH_X86: 'x86',
  SCMP_ARCH_X32: 'x32',
  SCMP_ARCH_AARCH64: 'aarch64',
  SCMP_ARCH_ARM: 'arm',
};

// Valid in the spec but not compiled by berth: no supported host can run them, so a filter
// section for them could never match. They are skipped with a warning, not rejected, because
// docker-style profiles list them for portability.
export const FOREIGN_SPEC_ARCHES: ReadonlySet<string> = new Set([
  'SCMP_ARCH_MIPS', 'SCMP_ARCH_MIPS64', 'SCMP_ARCH_MIPS64N32', 'SCMP_ARCH_MIPSEL', 'SCMP_ARCH_MIPSEL64',
  'SCMP_ARCH_MIPSEL64N32', 'SCMP_ARCH_PPC', 'SCMP_ARCH_PPC64', 'SCMP_ARCH_PPC64LE', 'SCMP_ARCH_S390',
  'SCMP_ARCH_S390X', 'SCMP_ARCH_PARISC', 'SCMP_ARCH_PARISC64', 'SCMP_ARCH_RISCV64', 'SCMP_ARCH_LOONGARCH64',
  'SCMP_ARCH_M68K', 'SCMP_ARCH_SH', 'SCMP_ARCH_SHEB',
]);
