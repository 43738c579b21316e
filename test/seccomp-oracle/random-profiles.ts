// Seeded random seccomp profiles for the differential tests: names from the x86_64 table that
// libseccomp 2.5.4 also knows, every action, up to three comparisons with values around 2^31,
// 2^32 and above, and a random set of extra arches.
import type { LinuxSeccomp, LinuxSeccompArg, LinuxSyscall } from '../../src/oci/runtime-spec.ts';
import { X86_64_SYSCALLS } from '../../src/runtime/seccomp/syscalls/x86_64.ts';

// newer than Debian 12's libseccomp: it would skip them and the programs would differ
const TOO_NEW = new Set([
  'uretprobe', 'uprobe', 'listns', 'file_getattr', 'file_setattr', 'open_tree_attr', 'getxattrat', 'setxattrat', 'listxattrat',
  'removexattrat', 'mseal', 'statmount', 'listmount', 'lsm_get_self_attr', 'lsm_set_self_attr', 'lsm_list_modules',
  'map_shadow_stack', 'cachestat', 'fchmodat2', 'futex_wake', 'futex_wait', 'futex_requeue', 'rseq_slice_yield',
]);
const NAMES = [...X86_64_SYSCALLS.keys()].filter((n) => !TOO_NEW.has(n));
const OPS = ['SCMP_CMP_NE', 'SCMP_CMP_LT', 'SCMP_CMP_LE', 'SCMP_CMP_EQ', 'SCMP_CMP_GE', 'SCMP_CMP_GT', 'SCMP_CMP_MASKED_EQ'];
const VALUES = [0, 1, 5, 38, 0x7fffffff, 0x80000000, 0xffffffff, 0x1_0000_0000, 0x1_0000_0005, 0xff_00ff_00ff, 2 ** 52];
const ACTIONS = ['SCMP_ACT_ALLOW', 'SCMP_ACT_ERRNO', 'SCMP_ACT_TRAP', 'SCMP_ACT_LOG', 'SCMP_ACT_KILL_PROCESS', 'SCMP_ACT_KILL_THREAD', 'SCMP_ACT_TRACE'];
const ARCH_SETS = [[], ['SCMP_ARCH_X86'], ['SCMP_ARCH_X32'], ['SCMP_ARCH_X86', 'SCMP_ARCH_X32'], ['SCMP_ARCH_AARCH64', 'SCMP_ARCH_ARM']];

export interface RandomProfileOptions {
  // at most one rule per syscall name (libseccomp 2.5.4 mis-compiles some multi-rule chains)
  oneRulePerSyscall: boolean;
}

export function randomProfile(seed: number, opts: RandomProfileOptions): LinuxSeccomp {
  let s = seed >>> 0 || 1;
  const rnd = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s;
  };
  const pick = <T>(a: readonly T[]): T => a[rnd() % a.length]!;
  const syscalls: LinuxSyscall[] = [];
  const used = new Set<string>();
  const count = 1 + (rnd() % 40);
  for (let r = 0; r < count; r++) {
    const names = Array.from({ length: 1 + (rnd() % 4) }, () => pick(NAMES));
    if (opts.oneRulePerSyscall && names.some((n) => used.has(n))) continue;
    names.forEach((n) => used.add(n));
    const rule: LinuxSyscall = { names: [...new Set(names)], action: pick(ACTIONS) };
    if (rule.action === 'SCMP_ACT_ERRNO' && rnd() % 2) rule.errnoRet = rnd() % 200;
    if (rnd() % 2) {
      const indices = [...new Set(Array.from({ length: 1 + (rnd() % 3) }, () => rnd() % 6))];
      rule.args = indices.map((index): LinuxSeccompArg => {
        const op = pick(OPS);
        return op === 'SCMP_CMP_MASKED_EQ' ? { index, value: pick(VALUES), valueTwo: pick(VALUES), op } : { index, value: pick(VALUES), op };
      });
    }
    syscalls.push(rule);
  }
  return { defaultAction: pick(ACTIONS), architectures: [...pick(ARCH_SETS)], syscalls };
}
