import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BpfProgramError, runSeccompFilter } from './bpf-interpreter.ts';
import { encodeProgram, decodeProgram, type BpfInstruction } from './bpf.ts';

const I = (code: number, k: number, jt = 0, jf = 0): BpfInstruction => ({ code, jt, jf, k });
const data = { nr: 5, arch: 0xc000003e, args: [0x1_2345_6789n, 0n, 0n, 0n, 0n, 0xffff_ffff_ffff_ffffn] };

test('loads seccomp_data words little-endian, low half of an argument first', () => {
  assert.equal(runSeccompFilter([I(0x20, 0), I(0x16, 0)], data), 5); // ld nr; ret a
  assert.equal(runSeccompFilter([I(0x20, 4), I(0x16, 0)], data), 0xc000003e);
  assert.equal(runSeccompFilter([I(0x20, 16), I(0x16, 0)], data), 0x2345_6789);
  assert.equal(runSeccompFilter([I(0x20, 20), I(0x16, 0)], data), 1);
  assert.equal(runSeccompFilter([I(0x20, 60), I(0x16, 0)], data), 0xffff_ffff);
});

test('a negative syscall number is seen as its u32 pattern', () => {
  assert.equal(runSeccompFilter([I(0x20, 0), I(0x16, 0)], { nr: -1, arch: 0 }), 0xffff_ffff);
});

test('conditional jumps are unsigned and relative to the next instruction', () => {
  const prog = [I(0x20, 0), I(0x35, 0x8000_0000, 1, 0), I(0x06, 1), I(0x06, 2)];
  assert.equal(runSeccompFilter(prog, { nr: -5, arch: 0 }), 2);
  assert.equal(runSeccompFilter(prog, { nr: 5, arch: 0 }), 1);
  const jset = [I(0x20, 0), I(0x45, 0x4000_0000, 0, 1), I(0x06, 1), I(0x06, 2)];
  assert.equal(runSeccompFilter(jset, { nr: 0x4000_0001, arch: 0 }), 1);
  assert.equal(runSeccompFilter(jset, { nr: 1, arch: 0 }), 2);
});

test('ja skips k instructions; alu, scratch memory and tax/txa work', () => {
  const prog = [I(0x05, 1), I(0x06, 99), I(0x00, 6), I(0x54, 3), I(0x02, 4), I(0x00, 0), I(0x61, 4), I(0x87, 0), I(0x16, 0)];
  // ja +1; ret 99; ld #6; and #3; st M[4]; ld #0; ldx M[4]; txa; ret a
  assert.equal(runSeccompFilter(prog, data), 2);
});

test('the step counter counts executed instructions', () => {
  const stats = { steps: 0 };
  runSeccompFilter([I(0x05, 1), I(0x06, 9), I(0x06, 7)], data, stats);
  assert.equal(stats.steps, 2);
});

test('malformed programs are rejected as the kernel would', () => {
  assert.throws(() => runSeccompFilter([I(0x20, 64), I(0x16, 0)], data), BpfProgramError);
  assert.throws(() => runSeccompFilter([I(0x20, 2), I(0x16, 0)], data), BpfProgramError);
  assert.throws(() => runSeccompFilter([I(0x20, 0)], data), /fell off the end/);
  assert.throws(() => runSeccompFilter([], data), BpfProgramError);
});

test('encodeProgram and decodeProgram round-trip struct sock_filter', () => {
  const prog = [I(0x15, 0xc000_003e, 3, 200), I(0x06, 0x7fff_0000)];
  const bytes = encodeProgram(prog);
  assert.equal(bytes.length, 16);
  assert.deepEqual([...bytes.slice(0, 8)], [0x15, 0, 3, 200, 0x3e, 0, 0, 0xc0]);
  assert.deepEqual(decodeProgram(bytes), prog);
});
