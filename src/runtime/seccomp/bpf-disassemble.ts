// One line of text per BPF instruction, in the style of the kernel's bpf_dbg and libseccomp's
// pfc output. Tests compare compiled programs against these lines; people read them when a
// filter misbehaves.
import { decodeProgram, type BpfInstruction } from './bpf.ts';

function hex(k: number): string {
  return `0x${(k >>> 0).toString(16)}`;
}

export function disassembleInstruction(ins: BpfInstruction): string {
  const cls = ins.code & 0x07;
  const k = ins.k >>> 0;
  switch (cls) {
    case 0x00:
      if ((ins.code & 0xe0) === 0x20) return `ld [${k}]`;
      if ((ins.code & 0xe0) === 0x00) return `ld #${hex(k)}`;
      if ((ins.code & 0xe0) === 0x60) return `ld M[${k}]`;
      if ((ins.code & 0xe0) === 0x80) return 'ld #len';
      break;
    case 0x01:
      if ((ins.code & 0xe0) === 0x00) return `ldx #${hex(k)}`;
      if ((ins.code & 0xe0) === 0x60) return `ldx M[${k}]`;
      if ((ins.code & 0xe0) === 0x80) return 'ldx #len';
      break;
    case 0x02:
      return `st M[${k}]`;
    case 0x03:
      return `stx M[${k}]`;
    case 0x04: {
      const ops = ['add', 'sub', 'mul', 'div', 'or', 'and', 'lsh', 'rsh', 'neg', 'mod', 'xor'];
      const op = ops[(ins.code & 0xf0) >> 4] ?? '?';
      if (op === 'neg') return 'neg';
      return `${op} ${ins.code & 0x08 ? 'x' : `#${hex(k)}`}`;
    }
    case 0x05: {
      if ((ins.code & 0xf0) === 0x00) return `ja +${k}`;
      const ops: Record<number, string> = { 0x10: 'jeq', 0x20: 'jgt', 0x30: 'jge', 0x40: 'jset' };
      const op = ops[ins.code & 0xf0] ?? '?';
      return `${op} ${ins.code & 0x08 ? 'x' : `#${hex(k)}`} jt ${ins.jt} jf ${ins.jf}`;
    }
    case 0x06:
      return (ins.code & 0x18) === 0x10 ? 'ret a' : `ret #${hex(k)}`;
    case 0x07:
      return (ins.code & 0xf8) === 0x00 ? 'tax' : 'txa';
  }
  return `.code ${hex(ins.code)} jt ${ins.jt} jf ${ins.jf} k ${hex(k)}`;
}

export function disassemble(program: Uint8Array | readonly BpfInstruction[]): string[] {
  const insns = program instanceof Uint8Array ? decodeProgram(program) : program;
  return insns.map(disassembleInstruction);
}
