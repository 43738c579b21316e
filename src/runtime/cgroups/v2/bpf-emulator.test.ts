import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BpfAlu, BpfClass, BpfJmp, BpfSrc, encodeInsns, exit, jmp32Imm, ldxW, mov64Imm, R0, R1, R2, type BpfInsn } from './bpf-instructions.ts';
import { BpfEmulationError, deviceContext, runBpfProgram } from './bpf-emulator.ts';

const ctx = deviceContext({ type: 'c', major: 1, minor: 3, access: 'rw' });
const alu64 = (op: number, dst: number, imm: number): BpfInsn => ({ code: BpfClass.ALU64 | op | BpfSrc.K, dst, src: 0, off: 0, imm });

test('the device context layout: access << 16 | type, major, minor', () => {
  assert.deepEqual([...ctx], [0x02, 0x00, 0x06, 0x00, 0x01, 0, 0, 0, 0x03, 0, 0, 0]);
});

test('ALU64 arithmetic wraps at 64 bits, ALU32 at 32 and zero-extends', () => {
  assert.equal(runBpfProgram([mov64Imm(R0, -1), alu64(BpfAlu.ADD, R0, 2), exit()], ctx), 1n);
  assert.equal(runBpfProgram([mov64Imm(R0, -1), { code: BpfClass.ALU | BpfAlu.ADD | BpfSrc.K, dst: R0, src: 0, off: 0, imm: 0 }, exit()], ctx), 0xffffffffn);
  assert.equal(runBpfProgram([mov64Imm(R0, 7), alu64(BpfAlu.DIV, R0, 0), exit()], ctx), 0n, 'x/0 is 0 in eBPF');
  assert.equal(runBpfProgram([mov64Imm(R0, -16), alu64(BpfAlu.ARSH, R0, 2), exit()], ctx), BigInt.asUintN(64, -4n));
});

test('32-bit jumps compare the low halves unsigned', () => {
  const prog = [ldxW(R2, R1, 4), jmp32Imm(BpfJmp.JNE, R2, 1, 2), mov64Imm(R0, 1), exit(), mov64Imm(R0, 0), exit()];
  assert.equal(runBpfProgram(encodeInsns(prog), ctx), 1n);
  assert.equal(runBpfProgram(encodeInsns(prog), deviceContext({ type: 'c', major: 2, minor: 0, access: 'r' })), 0n);
  const big = [ldxW(R2, R1, 4), jmp32Imm(BpfJmp.JEQ, R2, 0xffffffff, 2), mov64Imm(R0, 0), exit(), mov64Imm(R0, 1), exit()];
  assert.equal(runBpfProgram(big, deviceContext({ type: 'b', major: 0xffffffff, minor: 0, access: 'r' })), 1n);
});

test('what the verifier would refuse is an error', () => {
  assert.throws(() => runBpfProgram([exit()], ctx), /r0 is read before it is written/);
  assert.throws(() => runBpfProgram([ldxW(R0, R1, 12), exit()], ctx), /outside the 12-byte context/);
  assert.throws(() => runBpfProgram([mov64Imm(R0, 0), { code: BpfClass.JMP | BpfJmp.JA, dst: 0, src: 0, off: 5, imm: 0 }, exit()], ctx), /jumped out of the program/);
  assert.throws(() => runBpfProgram([mov64Imm(R0, 0), { code: BpfClass.JMP | BpfJmp.JA, dst: 0, src: 0, off: -2, imm: 0 }], ctx, 1000), /no exit after 1000/);
  assert.throws(() => runBpfProgram([{ code: BpfClass.JMP | BpfJmp.CALL, dst: 0, src: 0, off: 0, imm: 1 }], ctx), BpfEmulationError);
  assert.throws(() => runBpfProgram(new Uint8Array(7), ctx), /multiple of 8 bytes/);
});
