// config.json's linux.seccomp -> a classic BPF program for seccomp(SECCOMP_SET_MODE_FILTER),
// without libseccomp. The program, per architecture of the filter:
//
//   ld arch; jeq AUDIT_ARCH_x, section_x; ...; ret <bad arch: KILL_PROCESS>
//   section: ld nr; [x86_64: jge __X32_SYSCALL_BIT -> the x32 section or bad arch]
//            a binary search over the syscall number, whose leaves are
//            ret <action> | the rules of one syscall | ret <default> | ret ERRNO(ENOSYS)
//
// The search runs over intervals that cover every u32 syscall number (syscall-intervals.ts):
// neighbouring numbers with the same outcome share one interval, so an allow-list like
// docker's costs about one instruction per run of allowed numbers. It is binary until a stretch
// holds at most a few intervals that differ from the stretch's common outcome, then linear
// (syscall-search.ts). The pieces: profile-rules.ts checks linux.seccomp.syscalls,
// comparisons.ts emits 64-bit argument tests, enosys-stub.ts decides where ENOSYS goes,
// x86-multiplexers.ts adds socketcall/ipc, assembler.ts resolves jumps.
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
import { BPF_JMP_JEQ_K, BPF_JMP_JGE_K, BPF_LD_W_ABS, BPF_MAXINSNS, SECCOMP_DATA_ARCH, SECCOMP_DATA_NR, encodeProgram, type BpfInstruction } from './bpf.ts';
import { SECCOMP_RET_KILL_PROCESS, SECCOMP_RET_USER_NOTIF, actionValue } from './actions.ts';
import { filterFlags } from './flags.ts';
import { parseRules, warnUnknownNames } from './profile-rules.ts';
import { buildIntervals } from './syscall-intervals.ts';
import { emitSearch } from './syscall-search.ts';

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

export function compileSeccomp(profile: LinuxSeccomp, opts: CompileSeccompOptions = {}): CompiledSeccomp {
  const warnings: string[] = [];
  const native = opts.nativeArch ?? nativeSeccompArch();
  if (native === undefined) throw new InvalidConfigError('linux.seccomp', `seccomp is not supported on this architecture (${process.arch})`);
  if (typeof profile.defaultAction !== 'string') throw new InvalidConfigError('linux.seccomp.defaultAction', 'expected an action such as SCMP_ACT_ERRNO');
  const defaultAction = actionValue('linux.seccomp.defaultAction', profile.defaultAction, profile.defaultErrnoRet, 'defaultErrnoRet');
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
