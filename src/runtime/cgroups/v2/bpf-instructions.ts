// eBPF instructions as the kernel takes them: struct bpf_insn, 8 bytes, little-endian here
// (x86-64 and arm64 hosts): u8 code, u8 (src_reg << 4 | dst_reg), s16 off, s32 imm.
// Only what device programs and their tests need; the names follow linux/bpf.h.

export interface BpfInsn {
  code: number;
  dst: number;
  src: number;
  off: number;
  imm: number;
}

export const BpfClass = { LD: 0x00, LDX: 0x01, ST: 0x02, STX: 0x03, ALU: 0x04, JMP: 0x05, JMP32: 0x06, ALU64: 0x07 } as const;
export const BpfSize = { W: 0x00, H: 0x08, B: 0x10, DW: 0x18 } as const;
export const BpfMode = { IMM: 0x00, ABS: 0x20, IND: 0x40, MEM: 0x60 } as const;
export const BpfSrc = { K: 0x00, X: 0x08 } as const;
export const BpfAlu = {
  ADD: 0x00, SUB: 0x10, MUL: 0x20, DIV: 0x30, OR: 0x40, AND: 0x50, LSH: 0x60, RSH: 0x70,
  NEG: 0x80, MOD: 0x90, XOR: 0xa0, MOV: 0xb0, ARSH: 0xc0,
} as const;
export const BpfJmp = {
  JA: 0x00, JEQ: 0x10, JGT: 0x20, JGE: 0x30, JSET: 0x40, JNE: 0x50, JSGT: 0x60, JSGE: 0x70,
  CALL: 0x80, EXIT: 0x90, JLT: 0xa0, JLE: 0xb0, JSLT: 0xc0, JSLE: 0xd0,
} as const;

// The context of BPF_PROG_TYPE_CGROUP_DEVICE (struct bpf_cgroup_dev_ctx): access_type is
// (access << 16) | type, then major, then minor, all u32.
export const DevCtx = { ACCESS_TYPE: 0, MAJOR: 4, MINOR: 8, SIZE: 12 } as const;
export const DevType = { BLOCK: 1, CHAR: 2 } as const;
export const DevAccess = { MKNOD: 1, READ: 2, WRITE: 4 } as const;

export const R0 = 0, R1 = 1, R2 = 2, R3 = 3, R4 = 4, R5 = 5;

export const INSN_SIZE = 8;

// dst = *(u32 *)(src + off)
export function ldxW(dst: number, src: number, off: number): BpfInsn {
  return { code: BpfClass.LDX | BpfMode.MEM | BpfSize.W, dst, src, off, imm: 0 };
}

// 32-bit ALU with an immediate (the result is zero-extended to 64 bits)
export function alu32Imm(op: number, dst: number, imm: number): BpfInsn {
  return { code: BpfClass.ALU | op | BpfSrc.K, dst, src: 0, off: 0, imm };
}

export function mov32Reg(dst: number, src: number): BpfInsn {
  return { code: BpfClass.ALU | BpfAlu.MOV | BpfSrc.X, dst, src, off: 0, imm: 0 };
}

export function mov64Imm(dst: number, imm: number): BpfInsn {
  return { code: BpfClass.ALU64 | BpfAlu.MOV | BpfSrc.K, dst, src: 0, off: 0, imm };
}

// if ((u32)dst <op> (u32)imm) goto pc + 1 + off
export function jmp32Imm(op: number, dst: number, imm: number, off: number): BpfInsn {
  return { code: BpfClass.JMP32 | op | BpfSrc.K, dst, src: 0, off, imm };
}

export function exit(): BpfInsn {
  return { code: BpfClass.JMP | BpfJmp.EXIT, dst: 0, src: 0, off: 0, imm: 0 };
}

export function encodeInsns(insns: BpfInsn[]): Uint8Array {
  const buf = new Uint8Array(insns.length * INSN_SIZE);
  const view = new DataView(buf.buffer);
  insns.forEach((i, n) => {
    const at = n * INSN_SIZE;
    view.setUint8(at, i.code);
    view.setUint8(at + 1, ((i.src & 0xf) << 4) | (i.dst & 0xf));
    view.setInt16(at + 2, i.off, true);
    view.setInt32(at + 4, i.imm | 0, true);
  });
  return buf;
}

export function decodeInsns(bytes: Uint8Array): BpfInsn[] {
  if (bytes.length % INSN_SIZE !== 0) throw new RangeError(`a bpf program is a multiple of 8 bytes, not ${bytes.length}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: BpfInsn[] = [];
  for (let at = 0; at < bytes.length; at += INSN_SIZE) {
    const regs = view.getUint8(at + 1);
    out.push({ code: view.getUint8(at), dst: regs & 0xf, src: regs >> 4, off: view.getInt16(at + 2, true), imm: view.getInt32(at + 4, true) });
  }
  return out;
}
