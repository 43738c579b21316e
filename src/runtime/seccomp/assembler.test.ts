import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BpfAssembler } from './assembler.ts';
import { BPF_JMP_JEQ_K, BPF_LD_W_ABS } from './bpf.ts';
import { disassemble } from './bpf-disassemble.ts';
import { runSeccompFilter } from './bpf-interpreter.ts';

test('near jumps resolve to u8 offsets', () => {
  const asm = new BpfAssembler();
  const yes = asm.label();
  const no = asm.label();
  asm.emit(BPF_LD_W_ABS, 0);
  asm.jump(BPF_JMP_JEQ_K, 7, yes, no);
  asm.place(no);
  asm.ret(1);
  asm.place(yes);
  asm.ret(2);
  assert.deepEqual(disassemble(asm.assemble()), ['ld [0]', 'jeq #0x7 jt 1 jf 0', 'ret #0x1', 'ret #0x2']);
});

test('a conditional jump farther than 255 instructions goes through ja', () => {
  const asm = new BpfAssembler();
  const far = asm.label();
  const near = asm.label();
  asm.emit(BPF_LD_W_ABS, 0);
  asm.jump(BPF_JMP_JEQ_K, 7, far, near);
  asm.place(near);
  for (let i = 0; i < 300; i++) asm.ret(1000 + i);
  asm.place(far);
  asm.ret(2);
  const prog = asm.assemble();
  assert.deepEqual(disassemble(prog).slice(0, 4), ['ld [0]', 'jeq #0x7 jt 0 jf 1', 'ja +301', 'ja +0']);
  assert.equal(runSeccompFilter(prog, { nr: 7, arch: 0 }), 2);
  assert.equal(runSeccompFilter(prog, { nr: 8, arch: 0 }), 1000);
});

test('a label that is never placed is an internal error', () => {
  const asm = new BpfAssembler();
  asm.ja(asm.label());
  assert.throws(() => asm.assemble(), /internal error: bpf label/);
});
