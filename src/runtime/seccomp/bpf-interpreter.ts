// A classic-BPF interpreter for seccomp filters: runs a program on one seccomp_data the way the
// kernel does and returns the 32-bit action. Tests use it to assert what a compiled filter
// decides, and to compare berth's filters with libseccomp's instruction for instruction of
// behaviour rather than of layout.
import { BPF_MAXINSNS, decodeProgram, type BpfInstruction } from './bpf.ts';

export interface SeccompData {
  nr: number; // int in the kernel; negative numbers are taken as their u32 bit pattern
  arch: number;
  instructionPointer?: bigint;
  args?: readonly bigint[]; // up to 6, each u64
}

const SECCOMP_DATA_SIZE = 64;
const BPF_MEMWORDS = 16;

function seccompDataWords(d: SeccompData): Uint32Array {
  const bytes = new Uint8Array(SECCOMP_DATA_SIZE);
  const view = new DataView(bytes.buffer);
  view.setInt32(0, d.nr | 0, true);
  view.setUint32(4, d.arch >>> 0, true);
  view.setBigUint64(8, BigInt.asUintN(64, d.instructionPointer ?? 0n), true);
  for (let i = 0; i < 6; i++) view.setBigUint64(16 + 8 * i, BigInt.asUintN(64, d.args?.[i] ?? 0n), true);
  const words = new Uint32Array(SECCOMP_DATA_SIZE / 4);
  for (let i = 0; i < words.length; i++) words[i] = view.getUint32(i * 4, true);
  return words;
}

export class BpfProgramError extends Error {}

function fail(pc: number, ins: BpfInstruction, why: string): never {
  throw new BpfProgramError(`instruction ${pc} (code 0x${ins.code.toString(16)} k ${ins.k}): ${why}`);
}

// `stats.steps` counts the instructions executed, for measuring how long a lookup takes.
export function runSeccompFilter(program: Uint8Array | readonly BpfInstruction[], data: SeccompData, stats?: { steps: number }): number {
  const insns = program instanceof Uint8Array ? decodeProgram(program) : program;
  if (insns.length === 0 || insns.length > BPF_MAXINSNS) throw new BpfProgramError(`program length ${insns.length} is outside 1..${BPF_MAXINSNS}`);
  const words = seccompDataWords(data);
  const mem = new Uint32Array(BPF_MEMWORDS);
  let a = 0;
  let x = 0;
  let pc = 0;
  for (;;) {
    const ins = insns[pc];
    if (stats) stats.steps++;
    if (ins === undefined) throw new BpfProgramError(`fell off the end of the program at ${pc}`);
    const k = ins.k >>> 0;
    const cls = ins.code & 0x07;
    switch (cls) {
      case 0x00: // BPF_LD
      case 0x01: {
        // BPF_LDX
        const mode = ins.code & 0xe0;
        const size = ins.code & 0x18;
        let v: number;
        if (mode === 0x20 && cls === 0x00) {
          // BPF_ABS: seccomp allows 32-bit aligned loads inside seccomp_data only
          if (size !== 0x00) fail(pc, ins, 'only 32-bit loads are allowed');
          if (k % 4 !== 0 || k >= SECCOMP_DATA_SIZE) fail(pc, ins, 'load outside seccomp_data');
          v = words[k / 4]!;
        } else if (mode === 0x80) {
          v = SECCOMP_DATA_SIZE; // BPF_LEN
        } else if (mode === 0x00) {
          v = k; // BPF_IMM
        } else if (mode === 0x60) {
          if (k >= BPF_MEMWORDS) fail(pc, ins, 'scratch memory index out of range');
          v = mem[k]!; // BPF_MEM
        } else {
          fail(pc, ins, 'load mode not allowed in seccomp');
        }
        if (cls === 0x00) a = v;
        else x = v;
        pc++;
        break;
      }
      case 0x02: // BPF_ST
      case 0x03: // BPF_STX
        if (k >= BPF_MEMWORDS) fail(pc, ins, 'scratch memory index out of range');
        mem[k] = cls === 0x02 ? a : x;
        pc++;
        break;
      case 0x04: {
        // BPF_ALU
        const src = ins.code & 0x08 ? x : k;
        switch (ins.code & 0xf0) {
          case 0x00: a = (a + src) >>> 0; break;
          case 0x10: a = (a - src) >>> 0; break;
          case 0x20: a = Number((BigInt(a) * BigInt(src)) & 0xffffffffn); break;
          case 0x30: if (src === 0) return 0; a = Math.floor(a / src) >>> 0; break; // the kernel returns 0 on division by zero
          case 0x40: a = (a | src) >>> 0; break;
          case 0x50: a = (a & src) >>> 0; break;
          case 0x60: a = src >= 32 ? 0 : (a << src) >>> 0; break;
          case 0x70: a = src >= 32 ? 0 : a >>> src; break;
          case 0x80: a = -a >>> 0; break;
          case 0x90: if (src === 0) return 0; a = a % src; break;
          case 0xa0: a = (a ^ src) >>> 0; break;
          default: fail(pc, ins, 'unknown alu operation');
        }
        pc++;
        break;
      }
      case 0x05: {
        // BPF_JMP
        const op = ins.code & 0xf0;
        if (op === 0x00) {
          pc += 1 + k;
          break;
        }
        const src = ins.code & 0x08 ? x : k;
        let taken: boolean;
        if (op === 0x10) taken = a === src;
        else if (op === 0x20) taken = a > src;
        else if (op === 0x30) taken = a >= src;
        else if (op === 0x40) taken = (a & src) !== 0;
        else fail(pc, ins, 'unknown jump');
        pc += 1 + (taken ? ins.jt : ins.jf);
        break;
      }
      case 0x06: // BPF_RET
        return (ins.code & 0x18) === 0x10 ? a : k;
      case 0x07: // BPF_MISC
        if ((ins.code & 0xf8) === 0x00) x = a; // TAX
        else a = x; // TXA
        pc++;
        break;
    }
  }
}
