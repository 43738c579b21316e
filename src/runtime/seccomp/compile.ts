// config.json's linux.seccomp -> a classic BPF program for seccomp(SECCOMP_SET_MODE_FILTER),
// without libseccomp. The program, per architecture of the filter:
//
//   ld arch; jeq AUDIT_ARCH_x, section_x; ...; ret <bad arch: KILL_PROCESS>
//   section: ld nr; [x86_64: jge __X32_SYSCALL_BIT -> the x32 section or bad arch]
//            a binary search over the syscall number, whose leaves are
//            ret <action> | the rules of one syscall | ret <default> | ret ERRNO(ENOSYS)
//
// The search runs over intervals that cover every u32 syscall number: neighbouring numbers
// with the same outcome share one interval, so an allow-list like docker's costs about one
// instruction per run of allowed numbers and a lookup costs about log2(intervals) jumps.
//
// Decisions that follow runc + libseccomp, so that a profile behaves as it does under runc:
// - the native arch is always in the filter, with the profile's "architectures" added to it;
// - a syscall name unknown on an arch is skipped for that arch;
// - on x86, a rule on a socket or SysV IPC call also covers socketcall(2)/ipc(2) for that call;
// - a rule whose action equals the default action is dropped (libseccomp rejects it);
// - several comparisons in one rule must all hold, except that comparisons on the same argument
//   index are split into separate rules (runc does this; libseccomp cannot AND them);
// - several rules for one syscall are tried in the profile's order, the first that holds wins;
// - a syscall above the highest one the profile names for an arch returns ENOSYS instead of the
//   default action (runc's patchbpf stub), unless the default action lets syscalls through.
//
// Where berth decides differently, on purpose:
// - a syscall from an arch that is not in the filter kills the process, not only the thread
//   (libseccomp's default bad-arch action is KILL_THREAD): a foreign ABI is code the profile was
//   never written for, and a process with one killed thread limps on in an unknown state.
import type { LinuxSeccomp } from '../../oci/runtime-spec.ts';
import { InvalidConfigError } from '../../lib/errors.ts';
import { ARCHES, FOREIGN_SPEC_ARCHES, SPEC_ARCH_NAMES, X32_SYSCALL_BIT, nativeSeccompArch, type ArchInfo, type SeccompArch } from './arch.ts';
import { BpfAssembler, type Label } from './assembler.ts';
import { BPF_JMP_JEQ_K, BPF_JMP_JGE_K, BPF_JMP_JGT_K, BPF_LD_W_ABS, BPF_MAXINSNS, SECCOMP_DATA_ARCH, SECCOMP_DATA_NR, encodeProgram, type BpfInstruction } from './bpf.ts';
import { ENOSYS, SECCOMP_RET_ERRNO, SECCOMP_RET_KILL_PROCESS, SECCOMP_RET_USER_NOTIF, actionValue, isPermissiveAction } from './actions.ts';
import { emitComparison, parseComparison, type Comparison } from './comparisons.ts';
import { filterFlags } from './flags.ts';
import { FOREIGN_SYSCALL_NAMES } from './syscalls/foreign-names.ts';
import { x86Multiplexed } from './x86-multiplexers.ts';

export interface CompileSeccompOptions {
  // The ABI berth runs on; always part of the filter. Defaults to the one of this process.
  nativeArch?: SeccompArch;
  // runc's -ENOSYS stub for syscalls newer than the profile (default true).
  enosysStub?: boolean;
  // What a syscall of an arch outside the filter gets (default SECCOMP_RET_KILL_PROCESS).
  badArchAction?: number;
}

export interface CompiledSeccomp {
  program: Uint8Array;
  // seccomp(2) flags; SECCOMP_FILTER_FLAG_NEW_LISTENER is set when a rule uses SCMP_ACT_NOTIFY
  flags: number;
  warnings: string[];
  instructions: number;
  arches: SeccompArch[];
}

interface Rule {
  action: number;
  comparisons: Comparison[];
}

interface Interval {
  from: number;
  to: number;
  key: string;
  rules: Rule[] | undefined; // undefined: a plain `ret` of the value in `ret`
  ret: number;
}

// 32-bit ARM's private syscalls (__ARM_NR_BASE, 0x0f0000 and up) are not "newer" syscalls:
// they are left out when finding the highest number a profile knows.
const ARM_PRIVATE_BASE = 0x0f0000;
// x32's own entries sit at 512..547 (frozen since 2012); new syscalls are added below 512.
const X32_LEGACY_BASE = 512;

function resolveArches(profile: LinuxSeccomp, native: SeccompArch, warnings: string[]): SeccompArch[] {
  const arches: SeccompArch[] = [native];
  (profile.architectures ?? []).forEach((name, i) => {
    const arch = Object.hasOwn(SPEC_ARCH_NAMES, name) ? SPEC_ARCH_NAMES[name] : undefined;
    if (arch === undefined) {
      if (FOREIGN_SPEC_ARCHES.has(name)) {
        warnings.push(`linux.seccomp.architectures[${i}]: ${name} is not supported by berth and is skipped`);
        return;
      }
      throw new InvalidConfigError(`linux.seccomp.architectures[${i}]`, `unknown architecture "${String(name)}": expected one of ${[...Object.keys(SPEC_ARCH_NAMES), ...FOREIGN_SPEC_ARCHES].join(', ')}`);
    }
    if (!arches.includes(arch)) arches.push(arch);
  });
  return arches;
}

interface ParsedRule {
  field: string;
  names: string[];
  rules: Rule[];
}

function parseRules(profile: LinuxSeccomp, defaultAction: number, warnings: string[]): { parsed: ParsedRule[]; hasListener: boolean } {
  let hasListener = false;
  const parsed: ParsedRule[] = [];
  (profile.syscalls ?? []).forEach((s, i) => {
    const field = `linux.seccomp.syscalls[${i}]`;
    if (!Array.isArray(s.names) || s.names.length === 0) throw new InvalidConfigError(`${field}.names`, 'expected at least one syscall name');
    s.names.forEach((n, j) => {
      if (typeof n !== 'string' || n === '') throw new InvalidConfigError(`${field}.names[${j}]`, `invalid syscall name ${JSON.stringify(n)}`);
    });
    const action = actionValue(`${field}.action`, s.action, s.errnoRet);
    if (action === SECCOMP_RET_USER_NOTIF) {
      hasListener = true;
      // the notifying process would block writing to its supervisor, which waits for it
      if (s.names.includes('write')) throw new InvalidConfigError(`${field}.names`, 'SCMP_ACT_NOTIFY cannot be used for the write syscall');
    }
    const comparisons = (s.args ?? []).map((a, j) => parseComparison(`${field}.args[${j}]`, a, warnings));
    const byIndex = new Set(comparisons.map((c) => c.index));
    let rules: Rule[];
    if (byIndex.size < comparisons.length) {
      warnings.push(`${field}: several comparisons on the same argument are each a separate rule (any of them matches), as in runc`);
      rules = comparisons.map((c) => ({ action, comparisons: [c] }));
    } else {
      rules = [{ action, comparisons }];
    }
    // Kept for the ENOSYS stub's highest-number search even when redundant, as runc does.
    parsed.push({ field, names: s.names, rules: action === defaultAction ? [] : rules });
  });
  return { parsed, hasListener };
}

function warnUnknownNames(parsed: ParsedRule[], warnings: string[]): void {
  const known = (n: string) => FOREIGN_SYSCALL_NAMES.has(n) || Object.values(ARCHES).some((a) => a.table.has(n));
  const seen = new Set<string>();
  for (const p of parsed) {
    p.names.forEach((n, j) => {
      if (known(n) || seen.has(n)) return;
      seen.add(n);
      warnings.push(`${p.field}.names[${j}]: "${n}" is not a syscall on any architecture berth supports and is skipped`);
    });
  }
}

// Intervals of syscall numbers with their outcome, covering 0..0xffffffff.
function buildIntervals(arch: ArchInfo, parsed: ParsedRule[], defaultAction: number, stub: boolean): Interval[] {
  const perNr = new Map<number, Rule[]>();
  const profileNrs: number[] = [];
  const add = (nr: number, rules: Rule[]) => {
    const list = perNr.get(nr) ?? [];
    list.push(...rules);
    perNr.set(nr, list);
  };
  for (const p of parsed) {
    for (const name of p.names) {
      const n = arch.table.get(name);
      const mux = arch.name === 'x86' ? x86Multiplexed(name) : undefined;
      if (mux) {
        const call: Comparison = { index: 0, op: 'SCMP_CMP_EQ', value: BigInt(mux.call), valueTwo: 0n };
        add(mux.nr, p.rules.map((r) => ({ action: r.action, comparisons: [call] })));
      }
      if (n === undefined) continue;
      profileNrs.push(n);
      add((n + arch.nrBase) >>> 0, p.rules);
    }
  }
  // Outcome of a number no rule names: ENOSYS when it is newer than the profile.
  const enosys = (SECCOMP_RET_ERRNO | ENOSYS) >>> 0;
  const useStub = stub && profileNrs.length > 0 && !isPermissiveAction(defaultAction) && defaultAction !== enosys;
  let stubRanges: [number, number][] = [];
  if (useStub) {
    const ordinary = profileNrs.filter((n) => !(arch.name === 'arm' && n >= ARM_PRIVATE_BASE));
    const max = Math.max(...ordinary);
    stubRanges = [[(max + 1 + arch.nrBase) >>> 0, 0xffffffff]];
    if (arch.name === 'x32') {
      const common = ordinary.filter((n) => n < X32_LEGACY_BASE);
      const maxCommon = common.length ? Math.max(...common) : -1;
      if (max >= X32_LEGACY_BASE && maxCommon + 1 < X32_LEGACY_BASE) stubRanges.unshift([(maxCommon + 1 + arch.nrBase) >>> 0, (X32_LEGACY_BASE - 1 + arch.nrBase) >>> 0]);
    }
  }
  const retKey = (v: number) => `ret:${v}`;
  const gap = (from: number, to: number, out: Interval[]) => {
    // split [from, to] by the stub ranges
    let at = from;
    for (const [s, e] of stubRanges) {
      if (e < at || s > to) continue;
      if (s > at) out.push({ from: at, to: s - 1, key: retKey(defaultAction), rules: undefined, ret: defaultAction });
      const end = Math.min(e, to);
      out.push({ from: Math.max(s, at), to: end, key: retKey(enosys), rules: undefined, ret: enosys });
      at = end + 1;
      if (at > to) return;
    }
    out.push({ from: at, to, key: retKey(defaultAction), rules: undefined, ret: defaultAction });
  };

  const raw: Interval[] = [];
  let next = 0;
  for (const nr of [...perNr.keys()].sort((a, b) => a - b)) {
    if (nr > next) gap(next, nr - 1, raw);
    raw.push(ruleInterval(nr, perNr.get(nr)!, defaultAction));
    next = nr + 1;
  }
  if (next <= 0xffffffff) gap(next, 0xffffffff, raw);

  const merged: Interval[] = [];
  for (const iv of raw) {
    const last = merged.at(-1);
    if (last && last.key === iv.key && last.to + 1 === iv.from) last.to = iv.to;
    else merged.push({ ...iv });
  }
  return merged;
}

function ruleInterval(nr: number, rules: Rule[], defaultAction: number): Interval {
  // rules after an unconditional one can never be reached
  const cut = rules.findIndex((r) => r.comparisons.length === 0);
  const live = cut >= 0 ? rules.slice(0, cut + 1) : [...rules];
  // conditional rules just before an unconditional one with the same action change nothing
  while (cut >= 0 && live.length > 1 && live.at(-2)!.action === live.at(-1)!.action) live.splice(-2, 1);
  if (live.length === 0) return { from: nr, to: nr, key: `ret:${defaultAction}`, rules: undefined, ret: defaultAction };
  if (live[0]!.comparisons.length === 0) return { from: nr, to: nr, key: `ret:${live[0]!.action}`, rules: undefined, ret: live[0]!.action };
  const key = JSON.stringify(live, (_k, v) => (typeof v === 'bigint' ? v.toString() : v));
  return { from: nr, to: nr, key, rules: live, ret: defaultAction };
}

function emitLeaf(asm: BpfAssembler, arch: ArchInfo, iv: Interval): void {
  if (!iv.rules) {
    asm.ret(iv.ret);
    return;
  }
  for (const rule of iv.rules) {
    const nextRule = asm.label();
    for (const c of rule.comparisons) emitComparison(asm, arch, c, nextRule);
    asm.ret(rule.action);
    asm.place(nextRule);
  }
  if (iv.rules.at(-1)!.comparisons.length > 0) asm.ret(iv.ret);
}

// Up to this many stretches of numbers with their own outcome are tested one after the other,
// the rest sharing one background outcome; more get a binary search first. Eight tests cost
// about what the search would in jumps taken, in fewer instructions.
const LINEAR_MAX = 8;

// The outcome most intervals in ivs[lo..hi] share: the background of a linear test.
function backgroundKey(ivs: Interval[], lo: number, hi: number): string {
  const counts = new Map<string, number>();
  let bgKey = '';
  let best = -1;
  for (let i = lo; i <= hi; i++) {
    const k = ivs[i]!.key;
    const n = (counts.get(k) ?? 0) + 1;
    counts.set(k, n);
    if (n > best || (n === best && !ivs[i]!.rules && k !== bgKey)) {
      best = n;
      bgKey = k;
    }
  }
  return bgKey;
}

function emitLinear(asm: BpfAssembler, arch: ArchInfo, ivs: Interval[], lo: number, hi: number, bgKey: string): void {
  const targets = new Map<string, { label: Label; iv: Interval }>();
  let background: Interval | undefined;
  for (let i = lo; i <= hi; i++) {
    const iv = ivs[i]!;
    if (iv.key === bgKey) {
      background = iv;
      continue;
    }
    let t = targets.get(iv.key);
    if (!t) {
      t = { label: asm.label(), iv };
      targets.set(iv.key, t);
    }
    const next = asm.label();
    // nr is known to lie in [ivs[lo].from, ivs[hi].to]: a range touching either end needs one test
    if (iv.from === iv.to) {
      asm.jump(BPF_JMP_JEQ_K, iv.from, t.label, next);
    } else if (iv.from === ivs[lo]!.from) {
      asm.jump(BPF_JMP_JGT_K, iv.to, next, t.label);
    } else if (iv.to === ivs[hi]!.to) {
      asm.jump(BPF_JMP_JGE_K, iv.from, t.label, next);
    } else {
      const lower = asm.label();
      asm.jump(BPF_JMP_JGT_K, iv.to, next, lower);
      asm.place(lower);
      asm.jump(BPF_JMP_JGE_K, iv.from, t.label, next);
    }
    asm.place(next);
  }
  asm.ret(background!.ret);
  for (const t of targets.values()) {
    asm.place(t.label);
    emitLeaf(asm, arch, t.iv);
  }
}

// Search on the syscall number, which is in A: binary on interval starts (`jge from`; no lower
// bound check is needed since the intervals start at 0 and leave no holes), splitting the
// syscalls that stand out from the background in half, then linear once a stretch has few.
function emitSearch(asm: BpfAssembler, arch: ArchInfo, ivs: Interval[], lo: number, hi: number): void {
  if (lo === hi) {
    emitLeaf(asm, arch, ivs[lo]!);
    return;
  }
  const bgKey = backgroundKey(ivs, lo, hi);
  const foreground: number[] = [];
  for (let i = lo; i <= hi; i++) if (ivs[i]!.key !== bgKey) foreground.push(i);
  if (foreground.length <= LINEAR_MAX && !ivs.slice(lo, hi + 1).find((iv) => iv.key === bgKey)!.rules) {
    emitLinear(asm, arch, ivs, lo, hi, bgKey);
    return;
  }
  const mid = foreground[foreground.length >> 1]!;
  const left = asm.label();
  const right = asm.label();
  asm.jump(BPF_JMP_JGE_K, ivs[mid]!.from, right, left);
  asm.place(left);
  emitSearch(asm, arch, ivs, lo, mid - 1);
  asm.place(right);
  emitSearch(asm, arch, ivs, mid, hi);
}

export function compileSeccomp(profile: LinuxSeccomp, opts: CompileSeccompOptions = {}): CompiledSeccomp {
  const warnings: string[] = [];
  const native = opts.nativeArch ?? nativeSeccompArch();
  if (native === undefined) throw new InvalidConfigError('linux.seccomp', `seccomp is not supported on this architecture (${process.arch})`);
  if (typeof profile.defaultAction !== 'string') throw new InvalidConfigError('linux.seccomp.defaultAction', 'expected an action such as SCMP_ACT_ERRNO');
  const defaultAction = actionValue('linux.seccomp.defaultAction', profile.defaultAction, profile.defaultErrnoRet);
  // the supervisor would have to answer every syscall of the runtime's own last steps
  if (defaultAction === SECCOMP_RET_USER_NOTIF) throw new InvalidConfigError('linux.seccomp.defaultAction', 'SCMP_ACT_NOTIFY cannot be the default action');
  const badArch = opts.badArchAction ?? SECCOMP_RET_KILL_PROCESS;

  const arches = resolveArches(profile, native, warnings);
  const { parsed, hasListener } = parseRules(profile, defaultAction, warnings);
  warnUnknownNames(parsed, warnings);
  const flags = filterFlags(profile.flags, hasListener);

  const asm = new BpfAssembler();
  // BPF jumps only forward, so the x32 check jumps to a second bad-arch return at the end
  const lateBadArch = asm.label();
  let lateBadArchUsed = false;
  // x86_64 and x32 share one audit arch: one section, split on the x32 bit
  const groups = new Map<number, SeccompArch[]>();
  for (const a of arches) groups.set(ARCHES[a].auditArch, [...(groups.get(ARCHES[a].auditArch) ?? []), a]);
  const sections = [...groups.entries()].map(([auditArch, members]) => ({ auditArch, members, label: asm.label() }));

  asm.emit(BPF_LD_W_ABS, SECCOMP_DATA_ARCH);
  for (const s of sections) {
    const next = asm.label();
    asm.jump(BPF_JMP_JEQ_K, s.auditArch, s.label, next);
    asm.place(next);
  }
  asm.ret(badArch);

  const stub = opts.enosysStub ?? true;
  for (const s of sections) {
    asm.place(s.label);
    asm.emit(BPF_LD_W_ABS, SECCOMP_DATA_NR);
    const trees: { arch: ArchInfo; label: Label }[] = s.members.map((m) => ({ arch: ARCHES[m], label: asm.label() }));
    if (s.auditArch === ARCHES.x86_64.auditArch) {
      const x64 = trees.find((t) => t.arch.name === 'x86_64')?.label;
      const x32 = trees.find((t) => t.arch.name === 'x32')?.label;
      if (x64 && x32) {
        asm.jump(BPF_JMP_JGE_K, X32_SYSCALL_BIT, x32, x64);
      } else if (x64) {
        const minusOne = asm.label();
        asm.jump(BPF_JMP_JGE_K, X32_SYSCALL_BIT, minusOne, x64);
        asm.place(minusOne);
        asm.jump(BPF_JMP_JEQ_K, 0xffffffff, x64, lateBadArch);
        lateBadArchUsed = true;
      } else if (x32) {
        asm.jump(BPF_JMP_JGE_K, X32_SYSCALL_BIT, x32, lateBadArch);
        lateBadArchUsed = true;
      }
    }
    for (const t of trees) {
      asm.place(t.label);
      const ivs = buildIntervals(t.arch, parsed, defaultAction, stub);
      emitSearch(asm, t.arch, ivs, 0, ivs.length - 1);
    }
  }

  if (lateBadArchUsed) {
    asm.place(lateBadArch);
    asm.ret(badArch);
  }
  const insns: BpfInstruction[] = asm.assemble();
  if (insns.length > BPF_MAXINSNS) {
    throw new InvalidConfigError('linux.seccomp', `the compiled filter has ${insns.length} instructions, more than the kernel's limit of ${BPF_MAXINSNS}`);
  }
  return { program: encodeProgram(insns), flags, warnings, instructions: insns.length, arches };
}
