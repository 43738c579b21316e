import { BpfAlu, BpfClass, BpfJmp, BpfMode, BpfSize, BpfSrc, DevAccess, DevCtx, DevType, decodeInsns, type BpfInsn } from './bpf-instructions.ts';

// An eBPF interpreter for the instructions device programs use (and the rest of the ALU and
// jump classes), so tests can run a compiled program against device accesses without a
// kernel. Like the verifier it refuses what the kernel would: reads of registers never
// written, loads outside the context, stores, calls, jumps out of the program, and (with a
// step budget) programs that do not end.

export class BpfEmulationError extends Error {}

const MASK64 = (1n << 64n) - 1n;
const MASK32 = (1n << 32n) - 1n;
// r1 holds the context pointer; the emulator gives it this made-up address
const CTX_BASE = 0x7f00_0000_0000n;

const signed = (v: bigint, bits: 32 | 64): bigint => BigInt.asIntN(bits, v);

function aluOp(op: number, a: bigint, b: bigint, bits: 32 | 64, pc: number): bigint {
  const mask = bits === 32 ? MASK32 : MASK64;
  const shiftMask = BigInt(bits - 1);
  a &= mask;
  b &= mask;
  switch (op) {
    case BpfAlu.ADD: return (a + b) & mask;
    case BpfAlu.SUB: return (a - b) & mask;
    case BpfAlu.MUL: return (a * b) & mask;
    case BpfAlu.DIV: return b === 0n ? 0n : a / b; // the kernel defines x/0 as 0
    case BpfAlu.MOD: return b === 0n ? a : a % b;
    case BpfAlu.OR: return a | b;
    case BpfAlu.AND: return a & b;
    case BpfAlu.XOR: return a ^ b;
    case BpfAlu.LSH: return (a << (b & shiftMask)) & mask;
    case BpfAlu.RSH: return a >> (b & shiftMask);
    case BpfAlu.ARSH: return BigInt.asUintN(bits, signed(a, bits) >> (b & shiftMask));
    case BpfAlu.NEG: return (-a) & mask;
    case BpfAlu.MOV: return b;
  }
  throw new BpfEmulationError(`insn ${pc}: unknown alu op 0x${op.toString(16)}`);
}

function jmpTaken(op: number, a: bigint, b: bigint, bits: 32 | 64, pc: number): boolean {
  const mask = bits === 32 ? MASK32 : MASK64;
  a &= mask;
  b &= mask;
  switch (op) {
    case BpfJmp.JEQ: return a === b;
    case BpfJmp.JNE: return a !== b;
    case BpfJmp.JGT: return a > b;
    case BpfJmp.JGE: return a >= b;
    case BpfJmp.JLT: return a < b;
    case BpfJmp.JLE: return a <= b;
    case BpfJmp.JSET: return (a & b) !== 0n;
    case BpfJmp.JSGT: return signed(a, bits) > signed(b, bits);
    case BpfJmp.JSGE: return signed(a, bits) >= signed(b, bits);
    case BpfJmp.JSLT: return signed(a, bits) < signed(b, bits);
    case BpfJmp.JSLE: return signed(a, bits) <= signed(b, bits);
  }
  throw new BpfEmulationError(`insn ${pc}: unknown jump op 0x${op.toString(16)}`);
}

// Runs `program` with r1 pointing at `ctx`; returns r0 at exit.
export function runBpfProgram(program: Uint8Array | BpfInsn[], ctx: Uint8Array, maxSteps = 100_000): bigint {
  const insns = program instanceof Uint8Array ? decodeInsns(program) : program;
  if (insns.length === 0) throw new BpfEmulationError('empty program');
  const regs: (bigint | undefined)[] = new Array(11).fill(undefined);
  regs[1] = CTX_BASE;
  regs[10] = 0n; // frame pointer; no stack access is supported, but reading it is legal
  const ctxView = new DataView(ctx.buffer, ctx.byteOffset, ctx.byteLength);
  const reg = (r: number, pc: number): bigint => {
    const v = regs[r];
    if (r > 10) throw new BpfEmulationError(`insn ${pc}: register r${r} does not exist`);
    if (v === undefined) throw new BpfEmulationError(`insn ${pc}: r${r} is read before it is written`);
    return v;
  };
  let pc = 0;
  for (let steps = 0; ; steps++) {
    if (steps >= maxSteps) throw new BpfEmulationError(`no exit after ${maxSteps} instructions`);
    if (pc < 0 || pc >= insns.length) throw new BpfEmulationError(`insn ${pc}: jumped out of the program`);
    const i = insns[pc]!;
    const cls = i.code & 0x07;
    if (cls === BpfClass.ALU || cls === BpfClass.ALU64) {
      const bits = cls === BpfClass.ALU ? 32 : 64;
      const op = i.code & 0xf0;
      const b = (i.code & BpfSrc.X) ? reg(i.src, pc) : BigInt.asUintN(64, BigInt(i.imm)); // imm is sign-extended
      const a = op === BpfAlu.MOV ? 0n : reg(i.dst, pc);
      regs[i.dst] = aluOp(op, a, b, bits, pc);
      pc++;
    } else if (cls === BpfClass.JMP || cls === BpfClass.JMP32) {
      const op = i.code & 0xf0;
      if (op === BpfJmp.EXIT) {
        if (cls !== BpfClass.JMP) throw new BpfEmulationError(`insn ${pc}: exit must be BPF_JMP`);
        return reg(0, pc);
      }
      if (op === BpfJmp.CALL) throw new BpfEmulationError(`insn ${pc}: helper calls are not emulated`);
      if (op === BpfJmp.JA) {
        pc += 1 + i.off;
        continue;
      }
      const bits = cls === BpfClass.JMP32 ? 32 : 64;
      const b = (i.code & BpfSrc.X) ? reg(i.src, pc) : BigInt.asUintN(64, BigInt(i.imm));
      pc += jmpTaken(op, reg(i.dst, pc), b, bits, pc) ? 1 + i.off : 1;
    } else if (cls === BpfClass.LDX && (i.code & 0xe0) === BpfMode.MEM) {
      const size = { [BpfSize.W]: 4, [BpfSize.H]: 2, [BpfSize.B]: 1, [BpfSize.DW]: 8 }[i.code & 0x18]!;
      const addr = reg(i.src, pc) + BigInt(i.off) - CTX_BASE;
      if (addr < 0n || addr + BigInt(size) > BigInt(ctx.byteLength)) {
        throw new BpfEmulationError(`insn ${pc}: load of ${size} bytes at ctx+${addr} is outside the ${ctx.byteLength}-byte context`);
      }
      const at = Number(addr);
      regs[i.dst] =
        size === 4 ? BigInt(ctxView.getUint32(at, true))
        : size === 2 ? BigInt(ctxView.getUint16(at, true))
        : size === 1 ? BigInt(ctxView.getUint8(at))
        : ctxView.getBigUint64(at, true);
      pc++;
    } else if (i.code === (BpfClass.LD | BpfMode.IMM | BpfSize.DW)) {
      const next = insns[pc + 1];
      if (!next) throw new BpfEmulationError(`insn ${pc}: ld_imm64 needs a second slot`);
      regs[i.dst] = (BigInt(next.imm >>> 0) << 32n) | BigInt(i.imm >>> 0);
      pc += 2;
    } else {
      throw new BpfEmulationError(`insn ${pc}: opcode 0x${i.code.toString(16)} is not emulated`);
    }
  }
}

export interface DeviceAccessRequest {
  type: 'b' | 'c';
  major: number;
  minor: number;
  // letters of "rwm"
  access: string;
}

// The context the kernel builds for an open or mknod of a device node.
export function deviceContext(req: DeviceAccessRequest): Uint8Array {
  const ctx = new Uint8Array(DevCtx.SIZE);
  const view = new DataView(ctx.buffer);
  let access = 0;
  if (req.access.includes('m')) access |= DevAccess.MKNOD;
  if (req.access.includes('r')) access |= DevAccess.READ;
  if (req.access.includes('w')) access |= DevAccess.WRITE;
  const type = req.type === 'b' ? DevType.BLOCK : DevType.CHAR;
  view.setUint32(DevCtx.ACCESS_TYPE, ((access << 16) | type) >>> 0, true);
  view.setUint32(DevCtx.MAJOR, req.major >>> 0, true);
  view.setUint32(DevCtx.MINOR, req.minor >>> 0, true);
  return ctx;
}

// true when the program allows the access (returns non-zero), as the kernel reads it
export function emulateDeviceProgram(program: Uint8Array, req: DeviceAccessRequest): boolean {
  return runBpfProgram(program, deviceContext(req)) !== 0n;
}
