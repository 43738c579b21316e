// Argument comparisons of seccomp rules. seccomp_data.args[i] is a u64 but BPF's accumulator is
// 32 bits, so each comparison is made of the high and the low halves, high first, with the same
// unsigned semantics as libseccomp's SCMP_CMP_* on the whole 64-bit value.
import { InvalidConfigError } from '../../lib/errors.ts';
import type { LinuxSeccompArg } from '../../oci/runtime-spec.ts';
import type { BpfAssembler, Label } from './assembler.ts';
import type { ArchInfo } from './arch.ts';
import { BPF_ALU_AND_K, BPF_JMP_JEQ_K, BPF_JMP_JGE_K, BPF_JMP_JGT_K, BPF_LD_W_ABS, seccompDataArgOffset } from './bpf.ts';

export const COMPARE_OPS = ['SCMP_CMP_NE', 'SCMP_CMP_LT', 'SCMP_CMP_LE', 'SCMP_CMP_EQ', 'SCMP_CMP_GE', 'SCMP_CMP_GT', 'SCMP_CMP_MASKED_EQ'] as const;
export type CompareOp = (typeof COMPARE_OPS)[number];

export interface Comparison {
  index: number;
  op: CompareOp;
  // For MASKED_EQ: (arg & value) == valueTwo. For the others: arg <op> value.
  value: bigint;
  valueTwo: bigint;
}

const U64_MAX = (1n << 64n) - 1n;
const SYSCALL_MAX_ARGS = 6;

function toU64(field: string, v: unknown, what: string): bigint {
  if (typeof v === 'bigint' && v >= 0n && v <= U64_MAX) return v;
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0 && BigInt(v) <= U64_MAX) return BigInt(v);
  throw new InvalidConfigError(field, `invalid ${what} ${String(v)}: expected an integer from 0 to 18446744073709551615`);
}

export function parseComparison(field: string, arg: LinuxSeccompArg, warnings: string[]): Comparison {
  if (!Number.isInteger(arg.index) || arg.index < 0 || arg.index >= SYSCALL_MAX_ARGS) {
    throw new InvalidConfigError(`${field}.index`, `invalid argument index ${String(arg.index)}: expected 0 to 5`);
  }
  if (!(COMPARE_OPS as readonly string[]).includes(arg.op)) {
    throw new InvalidConfigError(`${field}.op`, `unknown comparison "${String(arg.op)}": expected one of ${COMPARE_OPS.join(', ')}`);
  }
  const value = toU64(`${field}.value`, arg.value, 'value');
  const valueTwo = arg.valueTwo === undefined ? 0n : toU64(`${field}.valueTwo`, arg.valueTwo, 'valueTwo');
  // JSON numbers above 2^53 reach us already rounded, so the filter would test another value
  if ((typeof arg.value === 'number' && !Number.isSafeInteger(arg.value)) || (typeof arg.valueTwo === 'number' && !Number.isSafeInteger(arg.valueTwo))) {
    warnings.push(`${field}: a value above 2^53 cannot be represented exactly in JSON and was rounded to ${value}`);
  }
  return { index: arg.index, op: arg.op as CompareOp, value, valueTwo };
}

// Which way a 32-bit step goes: to the next step, straight to the verdict, or to the low half.
type Step = 'pass' | 'fail' | 'low';

// The decision on the high halves alone, given hi(arg) compared with hi(datum).
function highStep(op: CompareOp, rel: 'lt' | 'eq' | 'gt'): Step {
  if (rel === 'eq') return 'low';
  switch (op) {
    case 'SCMP_CMP_EQ':
    case 'SCMP_CMP_MASKED_EQ':
      return 'fail';
    case 'SCMP_CMP_NE':
      return 'pass';
    case 'SCMP_CMP_GT':
    case 'SCMP_CMP_GE':
      return rel === 'gt' ? 'pass' : 'fail';
    case 'SCMP_CMP_LT':
    case 'SCMP_CMP_LE':
      return rel === 'lt' ? 'pass' : 'fail';
  }
}

function hi(v: bigint): number {
  return Number((v >> 32n) & 0xffffffffn);
}
function lo(v: bigint): number {
  return Number(v & 0xffffffffn);
}

// Emits code that falls through when the comparison holds and jumps to `fail` otherwise.
export function emitComparison(asm: BpfAssembler, arch: ArchInfo, c: Comparison, fail: Label): void {
  const ok = asm.label();
  const masked = c.op === 'SCMP_CMP_MASKED_EQ';
  // libseccomp compares (arg & mask) with (datum & mask): bits of the datum outside the mask
  // are ignored rather than making the rule never match
  const datum = masked ? c.valueTwo & c.value : c.value;
  const mask = masked ? c.value : U64_MAX;
  const target = (s: Step, low: Label): Label => (s === 'pass' ? ok : s === 'fail' ? fail : low);

  // The high half. Where arguments are 32 bits wide (ArchInfo.bits) it is not looked at and the
  // datum is cut to its low half, as libseccomp does: a profile written for 64-bit arches then
  // means the same on their 32-bit companions, and the oracle test can hold us to libseccomp.
  const low = asm.label();
  if (arch.bits === 64 && masked && hi(mask) === 0) {
    // (arg & mask) has a zero high half: it equals the datum's only if that is zero too
    if (hi(datum) !== 0) {
      asm.ja(fail);
      asm.place(low);
      asm.place(ok);
      return;
    }
  } else if (arch.bits === 64) {
    asm.emit(BPF_LD_W_ABS, seccompDataArgOffset(c.index, 'high'));
    if (masked) asm.emit(BPF_ALU_AND_K, hi(mask));
    const dh = hi(datum);
    const gt = highStep(c.op, 'gt');
    const lt = highStep(c.op, 'lt');
    if (gt === lt) {
      // only equality of the high halves matters
      asm.jump(BPF_JMP_JEQ_K, dh, low, target(gt, low));
    } else {
      // A > dh decides one way; then A == dh goes to the low half and A < dh the other way
      const eqCheck = asm.label();
      asm.jump(BPF_JMP_JGT_K, dh, target(gt, low), eqCheck);
      asm.place(eqCheck);
      asm.jump(BPF_JMP_JEQ_K, dh, low, target(lt, low));
    }
  }
  asm.place(low);
  asm.emit(BPF_LD_W_ABS, seccompDataArgOffset(c.index, 'low'));
  if (masked) asm.emit(BPF_ALU_AND_K, lo(mask));
  const dl = lo(datum);
  switch (c.op) {
    case 'SCMP_CMP_EQ':
    case 'SCMP_CMP_MASKED_EQ':
      asm.jump(BPF_JMP_JEQ_K, dl, ok, fail);
      break;
    case 'SCMP_CMP_NE':
      asm.jump(BPF_JMP_JEQ_K, dl, fail, ok);
      break;
    case 'SCMP_CMP_GT':
      asm.jump(BPF_JMP_JGT_K, dl, ok, fail);
      break;
    case 'SCMP_CMP_GE':
      asm.jump(BPF_JMP_JGE_K, dl, ok, fail);
      break;
    case 'SCMP_CMP_LT':
      asm.jump(BPF_JMP_JGE_K, dl, fail, ok);
      break;
    case 'SCMP_CMP_LE':
      asm.jump(BPF_JMP_JGT_K, dl, fail, ok);
      break;
  }
  asm.place(ok);
}
