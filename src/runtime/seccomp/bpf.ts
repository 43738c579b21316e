// Classic BPF as seccomp uses it: struct sock_filter {u16 code; u8 jt; u8 jf; u32 k}, 8 bytes,
// in the host's byte order (little-endian on every target berth supports).

export interface BpfInstruction {
  code: number;
  jt: number;
  jf: number;
  k: number;
}

// The opcodes a seccomp filter uses; the kernel's seccomp_check_filter accepts these.
export const BPF_LD_W_ABS = 0x20; // A = seccomp_data[k] (32-bit word)
export const BPF_ALU_AND_K = 0x54; // A &= k
export const BPF_JMP_JA = 0x05; // pc += k
export const BPF_JMP_JEQ_K = 0x15; // pc += (A == k) ? jt : jf
export const BPF_JMP_JGT_K = 0x25; // pc += (A > k) ? jt : jf, unsigned
export const BPF_JMP_JGE_K = 0x35; // pc += (A >= k) ? jt : jf, unsigned
export const BPF_JMP_JSET_K = 0x45; // pc += (A & k) ? jt : jf
export const BPF_RET_K = 0x06; // return k

// Kernel limit (BPF_MAXINSNS) for one filter program.
export const BPF_MAXINSNS = 4096;

// struct seccomp_data offsets.
export const SECCOMP_DATA_NR = 0;
export const SECCOMP_DATA_ARCH = 4;
export const SECCOMP_DATA_IP = 8;
export function seccompDataArgOffset(index: number, half: 'low' | 'high'): number {
  return 16 + 8 * index + (half === 'high' ? 4 : 0);
}

export function encodeProgram(insns: readonly BpfInstruction[]): Uint8Array {
  const out = new Uint8Array(insns.length * 8);
  const view = new DataView(out.buffer);
  insns.forEach((ins, i) => {
    view.setUint16(i * 8, ins.code, true);
    view.setUint8(i * 8 + 2, ins.jt);
    view.setUint8(i * 8 + 3, ins.jf);
    view.setUint32(i * 8 + 4, ins.k >>> 0, true);
  });
  return out;
}

export function decodeProgram(bytes: Uint8Array): BpfInstruction[] {
  if (bytes.length % 8 !== 0) throw new RangeError(`a bpf program is a multiple of 8 bytes, got ${bytes.length}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: BpfInstruction[] = [];
  for (let off = 0; off < bytes.length; off += 8) {
    out.push({ code: view.getUint16(off, true), jt: view.getUint8(off + 2), jf: view.getUint8(off + 3), k: view.getUint32(off + 4, true) });
  }
  return out;
}
