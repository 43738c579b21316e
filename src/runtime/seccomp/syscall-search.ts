// The code for one arch's syscall number, which is in A: a search over the intervals of
// syscall-intervals.ts whose leaves return an action or run the rules of one syscall.
import type { ArchInfo } from './arch.ts';
import type { BpfAssembler, Label } from './assembler.ts';
import { BPF_JMP_JEQ_K, BPF_JMP_JGE_K, BPF_JMP_JGT_K } from './bpf.ts';
import { emitComparison } from './comparisons.ts';
import type { Interval } from './syscall-intervals.ts';

function emitLeaf(asm: BpfAssembler, arch: ArchInfo, iv: Interval): void {
  if (!iv.rules) {
    asm.ret(iv.ret);
    return;
  }
  for (const rule of iv.rules) {
    const nextRule = asm.label();
    for (const c of rule.comparisons) emitComparison(asm, arch, c, nextRule);
    asm.ret(rule.action);
    asm.place(nextRule);
  }
  if (iv.rules.at(-1)!.comparisons.length > 0) asm.ret(iv.ret);
}

// Up to this many stretches of numbers with their own outcome are tested one after the other,
// the rest sharing one background outcome; more get a binary search first. Eight tests cost
// about what the search would in jumps taken, in fewer instructions.
const LINEAR_MAX = 8;

// The outcome most intervals in ivs[lo..hi] share: the background of a linear test.
function backgroundKey(ivs: Interval[], lo: number, hi: number): string {
  const counts = new Map<string, number>();
  let bgKey = '';
  let best = -1;
  for (let i = lo; i <= hi; i++) {
    const k = ivs[i]!.key;
    const n = (counts.get(k) ?? 0) + 1;
    counts.set(k, n);
    if (n > best || (n === best && !ivs[i]!.rules && k !== bgKey)) {
      best = n;
      bgKey = k;
    }
  }
  return bgKey;
}

function emitLinear(asm: BpfAssembler, arch: ArchInfo, ivs: Interval[], lo: number, hi: number, bgKey: string): void {
  const targets = new Map<string, { label: Label; iv: Interval }>();
  let background: Interval | undefined;
  for (let i = lo; i <= hi; i++) {
    const iv = ivs[i]!;
    if (iv.key === bgKey) {
      background = iv;
      continue;
    }
    let t = targets.get(iv.key);
    if (!t) {
      t = { label: asm.label(), iv };
      targets.set(iv.key, t);
    }
    const next = asm.label();
    // nr is known to lie in [ivs[lo].from, ivs[hi].to]: a range touching either end needs one test
    if (iv.from === iv.to) {
      asm.jump(BPF_JMP_JEQ_K, iv.from, t.label, next);
    } else if (iv.from === ivs[lo]!.from) {
      asm.jump(BPF_JMP_JGT_K, iv.to, next, t.label);
    } else if (iv.to === ivs[hi]!.to) {
      asm.jump(BPF_JMP_JGE_K, iv.from, t.label, next);
    } else {
      const lower = asm.label();
      asm.jump(BPF_JMP_JGT_K, iv.to, next, lower);
      asm.place(lower);
      asm.jump(BPF_JMP_JGE_K, iv.from, t.label, next);
    }
    asm.place(next);
  }
  asm.ret(background!.ret);
  for (const t of targets.values()) {
    asm.place(t.label);
    emitLeaf(asm, arch, t.iv);
  }
}

// Search on the syscall number, which is in A: binary on interval starts (`jge from`; no lower
// bound check is needed since the intervals start at 0 and leave no holes), splitting the
// syscalls that stand out from the background in half, then linear once a stretch has few.
export function emitSearch(asm: BpfAssembler, arch: ArchInfo, ivs: Interval[], lo: number, hi: number): void {
  if (lo === hi) {
    emitLeaf(asm, arch, ivs[lo]!);
    return;
  }
  const bgKey = backgroundKey(ivs, lo, hi);
  const foreground: number[] = [];
  for (let i = lo; i <= hi; i++) if (ivs[i]!.key !== bgKey) foreground.push(i);
  if (foreground.length <= LINEAR_MAX && !ivs.slice(lo, hi + 1).find((iv) => iv.key === bgKey)!.rules) {
    emitLinear(asm, arch, ivs, lo, hi, bgKey);
    return;
  }
  // any split in (lo, hi] is correct; this one halves the foreground
  const mid = Math.max(lo + 1, foreground[foreground.length >> 1]!);
  const left = asm.label();
  const right = asm.label();
  asm.jump(BPF_JMP_JGE_K, ivs[mid]!.from, right, left);
  asm.place(left);
  emitSearch(asm, arch, ivs, lo, mid - 1);
  asm.place(right);
  emitSearch(asm, arch, ivs, mid, hi);
}

