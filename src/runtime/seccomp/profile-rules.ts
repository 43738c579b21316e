// linux.seccomp.syscalls, checked and turned into rules: an action value and the comparisons
// that must all hold. Names stay names here; each arch resolves them with its own table.
import type { LinuxSeccomp } from '../../oci/runtime-spec.ts';
import { InvalidConfigError } from '../../lib/errors.ts';
import { ARCHES } from './arch.ts';
import { SECCOMP_RET_USER_NOTIF, actionValue } from './actions.ts';
import { parseComparison, type Comparison } from './comparisons.ts';
import { FOREIGN_SYSCALL_NAMES } from './syscalls/foreign-names.ts';

export interface Rule {
  action: number;
  comparisons: Comparison[];
}

export interface ParsedRule {
  field: string;
  names: string[];
  rules: Rule[];
}

export function parseRules(profile: LinuxSeccomp, defaultAction: number, warnings: string[]): { parsed: ParsedRule[]; hasListener: boolean } {
  let hasListener = false;
  const parsed: ParsedRule[] = [];
  (profile.syscalls ?? []).forEach((s, i) => {
    const field = `linux.seccomp.syscalls[${i}]`;
    if (!Array.isArray(s.names) || s.names.length === 0) throw new InvalidConfigError(`${field}.names`, 'expected at least one syscall name');
    s.names.forEach((n, j) => {
      if (typeof n !== 'string' || n === '') throw new InvalidConfigError(`${field}.names[${j}]`, `invalid syscall name ${JSON.stringify(n)}`);
    });
    const action = actionValue(`${field}.action`, s.action, s.errnoRet);
    if (action === SECCOMP_RET_USER_NOTIF) {
      hasListener = true;
      // the notifying process would block writing to its supervisor, which waits for it
      if (s.names.includes('write')) throw new InvalidConfigError(`${field}.names`, 'SCMP_ACT_NOTIFY cannot be used for the write syscall');
    }
    const comparisons = (s.args ?? []).map((a, j) => parseComparison(`${field}.args[${j}]`, a, warnings));
    const byIndex = new Set(comparisons.map((c) => c.index));
    let rules: Rule[];
    if (byIndex.size < comparisons.length) {
      warnings.push(`${field}: several comparisons on the same argument are each a separate rule (any of them matches), as in runc`);
      rules = comparisons.map((c) => ({ action, comparisons: [c] }));
    } else {
      rules = [{ action, comparisons }];
    }
    // Kept for the ENOSYS stub's highest-number search even when redundant, as runc does.
    parsed.push({ field, names: s.names, rules: action === defaultAction ? [] : rules });
  });
  return { parsed, hasListener };
}

export function warnUnknownNames(parsed: ParsedRule[], warnings: string[]): void {
  const known = (n: string) => FOREIGN_SYSCALL_NAMES.has(n) || Object.values(ARCHES).some((a) => a.table.has(n));
  const seen = new Set<string>();
  for (const p of parsed) {
    p.names.forEach((n, j) => {
      if (known(n) || seen.has(n)) return;
      seen.add(n);
      warnings.push(`${p.field}.names[${j}]: "${n}" is not a syscall on any architecture berth supports and is skipped`);
    });
  }
}

