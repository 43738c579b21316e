import { WILDCARD, type DeviceCgroupState, type DeviceException } from '../device-rules.ts';
import {
  BpfAlu, BpfJmp, DevAccess, DevCtx, DevType, R0, R1, R2, R3, R4, R5,
  alu32Imm, encodeInsns, exit, jmp32Imm, ldxW, mov32Reg, mov64Imm, type BpfInsn,
} from './bpf-instructions.ts';

// The BPF_PROG_TYPE_CGROUP_DEVICE program for a device state (device-rules.ts): cgroup v2's
// replacement for devices.allow/deny. The kernel runs it on every open/mknod of a device
// node; it returns 1 to allow, 0 to deny (EPERM). It decides exactly as the v1 controller
// would for the same state:
//
//   r2 = ctx.access_type & 0xffff        device type (1 block, 2 char)
//   r3 = ctx.access_type >> 16           requested access bits (1 mknod, 2 read, 4 write)
//   r4 = ctx.major; r5 = ctx.minor
//   per exception, a block that falls through to the next one when it does not match:
//     if r2 != type goto next
//     default deny:  r1 = r3 & ~ex.access; if r1 != 0 goto next    (ex covers every bit)
//     default allow: r1 = r3 & ex.access;  if r1 == 0 goto next    (ex shares a bit)
//     if r4 != major goto next           (left out for a wildcard)
//     if r5 != minor goto next
//     r0 = the exception's verdict; exit
//   r0 = the default; exit
//
// Exceptions do not overlap in meaning (any matching one gives the same verdict), so their
// order does not matter. 32-bit jumps compare the u32 fields without sign extension.

const ACCESS_BITS: Record<string, number> = { m: DevAccess.MKNOD, r: DevAccess.READ, w: DevAccess.WRITE };
const ALL_ACCESS = DevAccess.MKNOD | DevAccess.READ | DevAccess.WRITE;

export function accessMask(access: string): number {
  let mask = 0;
  for (const c of access) mask |= ACCESS_BITS[c] ?? 0;
  return mask;
}

function exceptionBlock(e: DeviceException, defaultAllow: boolean): BpfInsn[] {
  // jumps are built with a placeholder offset and fixed once the block's length is known
  const jumps: BpfInsn[] = [];
  const block: BpfInsn[] = [];
  const jump = (i: BpfInsn): void => {
    jumps.push(i);
    block.push(i);
  };
  jump(jmp32Imm(BpfJmp.JNE, R2, e.type === 'b' ? DevType.BLOCK : DevType.CHAR, 0));
  const mask = accessMask(e.access);
  if (defaultAllow) {
    block.push(mov32Reg(R1, R3), alu32Imm(BpfAlu.AND, R1, mask));
    jump(jmp32Imm(BpfJmp.JEQ, R1, 0, 0));
  } else if (mask !== ALL_ACCESS) {
    block.push(mov32Reg(R1, R3), alu32Imm(BpfAlu.AND, R1, ~mask & ALL_ACCESS));
    jump(jmp32Imm(BpfJmp.JNE, R1, 0, 0));
  }
  if (e.major !== WILDCARD) jump(jmp32Imm(BpfJmp.JNE, R4, e.major, 0));
  if (e.minor !== WILDCARD) jump(jmp32Imm(BpfJmp.JNE, R5, e.minor, 0));
  block.push(mov64Imm(R0, defaultAllow ? 0 : 1), exit());
  for (const j of jumps) j.off = block.length - block.indexOf(j) - 1;
  return block;
}

export function compileDeviceProgramInsns(state: DeviceCgroupState): BpfInsn[] {
  const insns: BpfInsn[] = [
    ldxW(R2, R1, DevCtx.ACCESS_TYPE),
    alu32Imm(BpfAlu.AND, R2, 0xffff),
    ldxW(R3, R1, DevCtx.ACCESS_TYPE),
    alu32Imm(BpfAlu.RSH, R3, 16),
    ldxW(R4, R1, DevCtx.MAJOR),
    ldxW(R5, R1, DevCtx.MINOR),
  ];
  for (const e of state.exceptions) insns.push(...exceptionBlock(e, state.defaultAllow));
  insns.push(mov64Imm(R0, state.defaultAllow ? 1 : 0), exit());
  return insns;
}

// The bytes OP_BPF_DEVICES hands to bpf(BPF_PROG_LOAD).
export function compileDeviceProgram(state: DeviceCgroupState): Uint8Array {
  return encodeInsns(compileDeviceProgramInsns(state));
}
