// One arch's syscall numbers as intervals with their outcome, covering all of 0..0xffffffff:
// numbers no rule names get the default action (or ENOSYS above the profile's highest),
// neighbouring numbers with the same outcome share an interval. The search is built on these.
import type { ArchInfo } from './arch.ts';
import type { Comparison } from './comparisons.ts';
import { ENOSYS_RET, enosysRanges } from './enosys-stub.ts';
import type { ParsedRule, Rule } from './profile-rules.ts';
import { x86Multiplexed } from './x86-multiplexers.ts';

export interface Interval {
  from: number;
  to: number;
  key: string; // equal keys: equal outcome
  rules: Rule[] | undefined; // undefined: a plain `ret` of the value in `ret`
  ret: number; // the plain return, or what follows when no rule holds
}

export function buildIntervals(arch: ArchInfo, parsed: ParsedRule[], defaultAction: number, stub: boolean): Interval[] {
  const perNr = new Map<number, Rule[]>();
  const profileNrs: number[] = [];
  const add = (nr: number, rules: Rule[]) => {
    const list = perNr.get(nr) ?? [];
    list.push(...rules);
    perNr.set(nr, list);
  };
  for (const p of parsed) {
    for (const name of p.names) {
      const n = arch.table.get(name);
      const mux = arch.name === 'x86' ? x86Multiplexed(name) : undefined;
      if (mux) {
        const call: Comparison = { index: 0, op: 'SCMP_CMP_EQ', value: BigInt(mux.call), valueTwo: 0n };
        add(mux.nr, p.rules.map((r) => ({ action: r.action, comparisons: [call, ...r.comparisons.filter((c) => c.index !== 0)] })));
      }
      if (n === undefined) continue;
      profileNrs.push(n);
      add((n + arch.nrBase) >>> 0, p.rules);
    }
  }
  // Outcome of a number no rule names: ENOSYS when it is newer than the profile.
  const enosys = ENOSYS_RET;
  const stubRanges = enosysRanges(arch, profileNrs, defaultAction, stub);
  const retKey = (v: number) => `ret:${v}`;
  const gap = (from: number, to: number, out: Interval[]) => {
    // split [from, to] by the stub ranges
    let at = from;
    for (const [s, e] of stubRanges) {
      if (e < at || s > to) continue;
      if (s > at) out.push({ from: at, to: s - 1, key: retKey(defaultAction), rules: undefined, ret: defaultAction });
      const end = Math.min(e, to);
      out.push({ from: Math.max(s, at), to: end, key: retKey(enosys), rules: undefined, ret: enosys });
      at = end + 1;
      if (at > to) return;
    }
    out.push({ from: at, to, key: retKey(defaultAction), rules: undefined, ret: defaultAction });
  };

  const raw: Interval[] = [];
  let next = 0;
  for (const nr of [...perNr.keys()].sort((a, b) => a - b)) {
    if (nr > next) gap(next, nr - 1, raw);
    raw.push(ruleInterval(nr, perNr.get(nr)!, defaultAction));
    next = nr + 1;
  }
  if (next <= 0xffffffff) gap(next, 0xffffffff, raw);

  const merged: Interval[] = [];
  for (const iv of raw) {
    const last = merged.at(-1);
    if (last && last.key === iv.key && last.to + 1 === iv.from) last.to = iv.to;
    else merged.push({ ...iv });
  }
  return merged;
}

function ruleInterval(nr: number, rules: Rule[], defaultAction: number): Interval {
  // rules after an unconditional one can never be reached
  const cut = rules.findIndex((r) => r.comparisons.length === 0);
  const live = cut >= 0 ? rules.slice(0, cut + 1) : [...rules];
  // conditional rules just before an unconditional one with the same action change nothing
  while (cut >= 0 && live.length > 1 && live.at(-2)!.action === live.at(-1)!.action) live.splice(-2, 1);
  if (live.length === 0) return { from: nr, to: nr, key: `ret:${defaultAction}`, rules: undefined, ret: defaultAction };
  if (live[0]!.comparisons.length === 0) return { from: nr, to: nr, key: `ret:${live[0]!.action}`, rules: undefined, ret: live[0]!.action };
  const key = JSON.stringify(live, (_k, v) => (typeof v === 'bigint' ? v.toString() : v));
  return { from: nr, to: nr, key, rules: live, ret: defaultAction };
}

