// berth's seccomp semantics written out directly, with no BPF: what a profile decides for one
// seccomp_data. The randomized tests hold the compiled programs to it, and it makes libseccomp's
// own mistakes visible when the oracle disagrees with both. It states the rules compile.ts
// documents (runc's adjustments, first rule that holds wins, 32-bit arguments on 32-bit ABIs,
// (arg & mask) == (datum & mask), x86's socketcall/ipc) but not the ENOSYS stub.
import type { LinuxSeccomp } from '../../src/oci/runtime-spec.ts';
import { ARCHES, X32_SYSCALL_BIT, type ArchInfo, type SeccompArch } from '../../src/runtime/seccomp/arch.ts';
import { SECCOMP_RET_KILL_PROCESS, actionValue } from '../../src/runtime/seccomp/actions.ts';
import { parseComparison, type Comparison } from '../../src/runtime/seccomp/comparisons.ts';
import type { SeccompData } from '../../src/runtime/seccomp/bpf-interpreter.ts';
import { x86Multiplexed } from '../../src/runtime/seccomp/x86-multiplexers.ts';

function archOf(arches: SeccompArch[], data: SeccompData): ArchInfo | undefined {
  const nr = data.nr >>> 0;
  const present = arches.map((a) => ARCHES[a]).filter((a) => a.auditArch === data.arch >>> 0);
  if (present.length === 0) return undefined;
  const x64 = present.find((a) => a.name === 'x86_64');
  const x32 = present.find((a) => a.name === 'x32');
  if (!x64 && !x32) return present[0];
  if (x64 && x32) return nr >= X32_SYSCALL_BIT ? x32 : x64;
  if (x64) return nr >= X32_SYSCALL_BIT && nr !== 0xffffffff ? undefined : x64;
  return nr >= X32_SYSCALL_BIT ? x32 : undefined;
}

function holds(c: Comparison, bits: 32 | 64, arg: bigint): boolean {
  const width = bits === 32 ? 0xffffffffn : (1n << 64n) - 1n;
  const a = arg & width;
  const v = c.value & width;
  switch (c.op) {
    case 'SCMP_CMP_NE': return a !== v;
    case 'SCMP_CMP_LT': return a < v;
    case 'SCMP_CMP_LE': return a <= v;
    case 'SCMP_CMP_EQ': return a === v;
    case 'SCMP_CMP_GE': return a >= v;
    case 'SCMP_CMP_GT': return a > v;
    case 'SCMP_CMP_MASKED_EQ': return (a & v) === (c.valueTwo & v & width);
  }
}

// A decider for one profile; the rules are parsed once.
export function modelDecider(profile: LinuxSeccomp, arches: SeccompArch[], badArch = SECCOMP_RET_KILL_PROCESS): (data: SeccompData) => number {
  const def = actionValue('', profile.defaultAction, profile.defaultErrnoRet);
  const entries = (profile.syscalls ?? []).flatMap((s) => {
    const action = actionValue('', s.action, s.errnoRet);
    if (action === def) return [];
    const cmps = (s.args ?? []).map((a) => parseComparison('', a, []));
    const split = new Set(cmps.map((c) => c.index)).size < cmps.length;
    return [{ names: s.names, action, rules: split ? cmps.map((c) => [c]) : [cmps] }];
  });
  return (data) => {
    const arch = archOf(arches, data);
    if (!arch) return badArch;
    const nr = data.nr >>> 0;
    const args = data.args ?? [];
    const all = (rule: Comparison[]) => rule.every((c) => holds(c, arch.bits, args[c.index] ?? 0n));
    for (const e of entries) {
      for (const name of e.names) {
        const n = arch.table.get(name);
        const direct = n !== undefined && ((n + arch.nrBase) >>> 0) === nr;
        const mux = arch.name === 'x86' ? x86Multiplexed(name) : undefined;
        const viaMux = mux !== undefined && mux.nr === nr && ((args[0] ?? 0n) & 0xffffffffn) === BigInt(mux.call);
        for (const rule of e.rules) {
          if (direct && all(rule)) return e.action;
          if (viaMux && all(rule.filter((c) => c.index !== 0))) return e.action;
        }
      }
    }
    return def;
  };
}
