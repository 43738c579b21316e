// Builds a BPF program with symbolic labels and resolves the jumps at the end. A conditional
// jump can only move forward 255 instructions (jt and jf are u8); when a target is farther the
// jump is rewritten as `jcc k, 0, 1; ja T; ja F` (ja takes a 32-bit offset), repeating until
// every offset fits, because each rewrite lengthens the code that other jumps cross.
import { BPF_JMP_JA, BPF_RET_K, type BpfInstruction } from './bpf.ts';
import { InternalError } from '../../lib/errors.ts';

export interface Label {
  readonly id: number;
}

type Item =
  | { kind: 'plain'; code: number; k: number }
  | { kind: 'jcc'; code: number; k: number; jt: Label; jf: Label; long: boolean }
  | { kind: 'ja'; target: Label }
  | { kind: 'label'; label: Label };

export class BpfAssembler {
  private readonly items: Item[] = [];
  private nextLabel = 0;

  label(): Label {
    return { id: this.nextLabel++ };
  }

  place(label: Label): void {
    this.items.push({ kind: 'label', label });
  }

  emit(code: number, k: number): void {
    this.items.push({ kind: 'plain', code, k: k >>> 0 });
  }

  ret(value: number): void {
    this.emit(BPF_RET_K, value);
  }

  jump(code: number, k: number, jt: Label, jf: Label): void {
    this.items.push({ kind: 'jcc', code, k: k >>> 0, jt, jf, long: false });
  }

  ja(target: Label): void {
    this.items.push({ kind: 'ja', target });
  }

  assemble(): BpfInstruction[] {
    let positions = this.layout();
    for (;;) {
      let changed = false;
      let pc = 0;
      for (const item of this.items) {
        if (item.kind === 'jcc' && !item.long) {
          const jt = this.target(positions, item.jt) - pc - 1;
          const jf = this.target(positions, item.jf) - pc - 1;
          if (jt > 255 || jf > 255) {
            item.long = true;
            changed = true;
          }
        }
        pc += this.size(item);
      }
      if (!changed) break;
      positions = this.layout();
    }
    const out: BpfInstruction[] = [];
    for (const item of this.items) {
      const pc = out.length;
      switch (item.kind) {
        case 'plain':
          out.push({ code: item.code, jt: 0, jf: 0, k: item.k });
          break;
        case 'ja':
          out.push({ code: BPF_JMP_JA, jt: 0, jf: 0, k: this.forward(positions, item.target, pc) });
          break;
        case 'jcc':
          if (item.long) {
            out.push({ code: item.code, jt: 0, jf: 1, k: item.k });
            out.push({ code: BPF_JMP_JA, jt: 0, jf: 0, k: this.forward(positions, item.jt, pc + 1) });
            out.push({ code: BPF_JMP_JA, jt: 0, jf: 0, k: this.forward(positions, item.jf, pc + 2) });
          } else {
            out.push({ code: item.code, jt: this.forward(positions, item.jt, pc), jf: this.forward(positions, item.jf, pc), k: item.k });
          }
          break;
        case 'label':
          break;
      }
    }
    return out;
  }

  private size(item: Item): number {
    if (item.kind === 'label') return 0;
    if (item.kind === 'jcc' && item.long) return 3;
    return 1;
  }

  private layout(): Map<number, number> {
    const positions = new Map<number, number>();
    let pc = 0;
    for (const item of this.items) {
      if (item.kind === 'label') positions.set(item.label.id, pc);
      pc += this.size(item);
    }
    return positions;
  }

  private target(positions: Map<number, number>, label: Label): number {
    const at = positions.get(label.id);
    if (at === undefined) throw new InternalError(`bpf label ${label.id} is never placed`);
    return at;
  }

  // BPF only jumps forward: a backward target would be a loop, which the kernel rejects.
  private forward(positions: Map<number, number>, label: Label, pc: number): number {
    const offset = this.target(positions, label) - pc - 1;
    if (offset < 0) throw new InternalError(`bpf jump from ${pc} to label ${label.id} goes backwards`);
    return offset;
  }
}
