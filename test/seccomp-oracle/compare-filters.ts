// Runs two seccomp programs over the same seccomp_data inputs and lists where they disagree:
// every syscall number of each arch's table and beyond it, the x32 range, numbers no table has,
// arches outside the filter, and for syscalls with argument rules a spread of argument values
// around each datum (including values above 2^32 on 64-bit ABIs).
import type { LinuxSeccomp } from '../../src/oci/runtime-spec.ts';
import { ARCHES, AUDIT_ARCH_AARCH64, AUDIT_ARCH_ARM, AUDIT_ARCH_I386, AUDIT_ARCH_X86_64, X32_SYSCALL_BIT, type SeccompArch } from '../../src/runtime/seccomp/arch.ts';
import { decodeProgram } from '../../src/runtime/seccomp/bpf.ts';
import { runSeccompFilter, type SeccompData } from '../../src/runtime/seccomp/bpf-interpreter.ts';
import { describeAction } from '../../src/runtime/seccomp/actions.ts';
import { parseComparison, type Comparison } from '../../src/runtime/seccomp/comparisons.ts';
import { x86Multiplexed } from '../../src/runtime/seccomp/x86-multiplexers.ts';

const U64_MAX = (1n << 64n) - 1n;

export interface Mismatch {
  arch: string;
  nr: number;
  args: bigint[];
  ours: string;
  theirs: string;
}

export interface CompareReport {
  inputs: number;
  mismatches: Mismatch[];
  excluded: string[];
}

function candidates(cmps: Comparison[], bits: 32 | 64): bigint[] {
  const set = new Set<bigint>([0n, 1n, 0x7fffffffn, 0x80000000n, 0xffffffffn, 1n << 32n, (1n << 32n) + 1n, 1n << 63n, U64_MAX]);
  for (const c of cmps) {
    const d = c.op === 'SCMP_CMP_MASKED_EQ' ? c.valueTwo : c.value;
    for (const v of [d, d - 1n, d + 1n, d ^ (1n << 32n), d | 0xffffffff00000000n, d & 0xffffffffn, d + (1n << 32n), (d >> 32n) << 32n, d - (1n << 32n)]) set.add(v);
    if (c.op === 'SCMP_CMP_MASKED_EQ') {
      const mask = c.value;
      for (const v of [mask, mask & c.valueTwo, c.valueTwo | (~mask & U64_MAX), c.valueTwo ^ (mask & -mask), c.valueTwo | 0x1n, (c.valueTwo | (1n << 40n))]) set.add(v);
    }
  }
  const mod = bits === 32 ? 1n << 32n : 1n << 64n;
  return [...new Set([...set].map((v) => ((v % mod) + mod) % mod))];
}

// A small deterministic generator, so a failure can be replayed.
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s;
  };
}

function argVectors(rules: Comparison[][], bits: 32 | 64): bigint[][] {
  const byIndex = new Map<number, Comparison[]>();
  for (const r of rules) for (const c of r) byIndex.set(c.index, [...(byIndex.get(c.index) ?? []), c]);
  const zero = (): bigint[] => [0n, 0n, 0n, 0n, 0n, 0n];
  const out: bigint[][] = [zero()];
  const cand = new Map([...byIndex].map(([i, cs]) => [i, candidates(cs, bits)]));
  for (const [i, cs] of cand) {
    for (const v of cs) {
      const a = zero();
      a[i] = v;
      out.push(a);
    }
  }
  const idx = [...cand.keys()];
  for (let x = 0; x < idx.length; x++) {
    for (let y = x + 1; y < idx.length; y++) {
      for (const v of cand.get(idx[x]!)!) {
        for (const w of cand.get(idx[y]!)!) {
          const a = zero();
          a[idx[x]!] = v;
          a[idx[y]!] = w;
          out.push(a);
        }
      }
    }
  }
  const rnd = prng(42);
  for (let n = 0; n < 200 && idx.length > 2; n++) {
    const a = zero();
    for (const i of idx) {
      const cs = cand.get(i)!;
      a[i] = cs[rnd() % cs.length]!;
    }
    out.push(a);
  }
  return out;
}

function auditArchName(auditArch: number, nr: number): string {
  if (auditArch === AUDIT_ARCH_X86_64) return nr & X32_SYSCALL_BIT ? 'x32' : 'x86_64';
  if (auditArch === AUDIT_ARCH_I386) return 'x86';
  if (auditArch === AUDIT_ARCH_AARCH64) return 'aarch64';
  if (auditArch === AUDIT_ARCH_ARM) return 'arm';
  return `arch 0x${auditArch.toString(16)}`;
}

export type Decider = (data: SeccompData) => number;

export function programDecider(program: Uint8Array): Decider {
  const insns = decodeProgram(program);
  return (data) => runSeccompFilter(insns, data);
}

export function compareFilters(
  ours: Uint8Array | Decider,
  theirs: Uint8Array | Decider,
  profile: LinuxSeccomp,
  arches: SeccompArch[],
  resolved: Map<SeccompArch, Map<string, number>>,
): CompareReport {
  const a = ours instanceof Uint8Array ? programDecider(ours) : ours;
  const b = theirs instanceof Uint8Array ? programDecider(theirs) : theirs;
  // (audit arch, nr) pairs where libseccomp's syscall table and berth's disagree: a newer
  // syscall libseccomp does not know yet. Both filters are right by their own table there.
  const excluded = new Set<string>();
  const excludedWhy: string[] = [];
  for (const arch of arches) {
    const info = ARCHES[arch];
    for (const s of profile.syscalls ?? []) {
      for (const name of s.names) {
        const mine = info.table.get(name);
        const mineNr = mine === undefined ? undefined : (mine + info.nrBase) >>> 0;
        const lib = resolved.get(arch)?.get(name);
        // libseccomp names x86's socket and IPC calls by pseudo numbers, then emits rules for
        // both their own numbers and the multiplexer (as berth does, x86-multiplexers.ts)
        const pseudo = lib !== undefined && lib < 0 && arch === 'x86' && x86Multiplexed(name) !== undefined;
        const libNr = pseudo ? mineNr : lib === undefined || lib < 0 ? undefined : lib >>> 0;
        if (mineNr === libNr) continue;
        for (const n of [mineNr, libNr]) if (n !== undefined) excluded.add(`${info.auditArch}:${n}`);
        excludedWhy.push(`${arch} ${name}: berth ${mineNr ?? 'none'}, libseccomp ${libNr ?? 'none'}`);
      }
    }
  }

  // per (audit arch, nr): the comparisons of the rules that name it
  const argRules = new Map<string, Comparison[][]>();
  for (const arch of arches) {
    const info = ARCHES[arch];
    for (const s of profile.syscalls ?? []) {
      if (!s.args?.length) continue;
      const cmps = s.args.map((x) => parseComparison('', x, []));
      for (const name of s.names) {
        const n = info.table.get(name);
        if (n === undefined) continue;
        const key = `${info.auditArch}:${(n + info.nrBase) >>> 0}`;
        argRules.set(key, [...(argRules.get(key) ?? []), cmps]);
      }
    }
  }

  const numbers: number[] = [];
  for (let n = 0; n < 640; n++) numbers.push(n, (X32_SYSCALL_BIT + n) >>> 0);
  for (let n = 0x0f0000; n < 0x0f0010; n++) numbers.push(n);
  numbers.push(0x3fffffff, 0x7fffffff, 0x80000000, 0xbfffffff, 0xc0000000, 0xfffffffe, 0xffffffff);
  const auditArches = [AUDIT_ARCH_X86_64, AUDIT_ARCH_I386, AUDIT_ARCH_AARCH64, AUDIT_ARCH_ARM, 0x12345678];

  const mismatches: Mismatch[] = [];
  let inputs = 0;
  for (const auditArch of auditArches) {
    const bits = auditArch === AUDIT_ARCH_I386 || auditArch === AUDIT_ARCH_ARM ? 32 : 64;
    for (const nr of numbers) {
      const key = `${auditArch}:${nr}`;
      if (excluded.has(key)) continue;
      const rules = argRules.get(key);
      const vectors = rules ? argVectors(rules, bits) : [[0n, 0n, 0n, 0n, 0n, 0n], [1n, 2n, 3n, 4n, 5n, 6n]];
      for (const args of vectors) {
        const data: SeccompData = { nr: nr | 0, arch: auditArch, args };
        const x = a(data);
        const y = b(data);
        inputs++;
        if (x !== y && mismatches.length < 50) {
          mismatches.push({ arch: auditArchName(auditArch, nr), nr, args, ours: describeAction(x), theirs: describeAction(y) });
        }
      }
    }
  }
  return { inputs, mismatches, excluded: excludedWhy };
}

// libseccomp 2.5.4 (Debian 12) sometimes jumps from an arch check straight into a syscall
// comparison without loading the syscall number, so that section compares the arch value and no
// rule of it can ever match (seen with x86_64 + x32, and with several arches where one has no
// rules). Such a program is wrong, not a reference: callers skip the profile.
export function hasMissingSyscallLoad(program: Uint8Array): boolean {
  const insns = decodeProgram(program);
  const arches = new Set([AUDIT_ARCH_X86_64, AUDIT_ARCH_I386, AUDIT_ARCH_AARCH64, AUDIT_ARCH_ARM]);
  return insns.some((ins, i) => {
    if (ins.code !== 0x15 || !arches.has(ins.k >>> 0)) return false;
    const target = insns[i + 1 + ins.jt];
    if (!target || target.code === 0x06) return false;
    return !(target.code === 0x20 && target.k === 0);
  });
}
