// Drives oracle.c: builds it against libseccomp (Debian's libseccomp-dev: <seccomp.h> and
// libseccomp.so; install.sh installs it) and asks it for the filter libseccomp makes of a
// profile, so that tests can compare it with berth's own compiler by behaviour.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LinuxSeccomp } from '../../src/oci/runtime-spec.ts';
import type { SeccompArch } from '../../src/runtime/seccomp/arch.ts';
import { actionValue } from '../../src/runtime/seccomp/actions.ts';
import { parseComparison } from '../../src/runtime/seccomp/comparisons.ts';

const ORACLE_C = join(dirname(fileURLToPath(import.meta.url)), 'oracle.c');

const OPS: Record<string, number> = {
  SCMP_CMP_NE: 1,
  SCMP_CMP_LT: 2,
  SCMP_CMP_LE: 3,
  SCMP_CMP_EQ: 4,
  SCMP_CMP_GE: 5,
  SCMP_CMP_GT: 6,
  SCMP_CMP_MASKED_EQ: 7,
};

export interface Oracle {
  bin: string;
  dispose(): void;
}

// The oracle binary, or the reason it cannot be built here.
export function buildOracle(): Oracle | { skip: string } {
  if (spawnSync('cc', ['--version']).status !== 0) return { skip: 'no C compiler (cc) on this machine' };
  if (!existsSync('/usr/include/seccomp.h')) return { skip: 'libseccomp-dev is not installed (no /usr/include/seccomp.h)' };
  const dir = mkdtempSync(join(tmpdir(), 'berth-seccomp-oracle-'));
  const bin = join(dir, 'oracle');
  const r = spawnSync('cc', ['-O1', '-o', bin, ORACLE_C, '-lseccomp'], { encoding: 'utf8' });
  if (r.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`building the libseccomp oracle failed: ${r.stderr}`);
  }
  return { bin, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface OracleResult {
  program: Uint8Array;
  // libseccomp's number for each (arch, name) of the profile; negative when it has none
  resolved: Map<SeccompArch, Map<string, number>>;
  ruleErrors: string[];
}

// The profile in oracle.c's line format, with runc's two adjustments made before libseccomp
// sees it: rules whose action is the default one are dropped, and comparisons on the same
// argument become separate rules.
export function oracleInput(profile: LinuxSeccomp, arches: SeccompArch[], badArch: number): string {
  const def = actionValue('', profile.defaultAction, profile.defaultErrnoRet);
  const lines = [`default ${def}`, `badarch ${badArch}`, ...arches.map((a) => `arch ${a}`)];
  for (const s of profile.syscalls ?? []) {
    const act = actionValue('', s.action, s.errnoRet);
    if (act === def) continue;
    const cmps = (s.args ?? []).map((a) => parseComparison('', a, []));
    const sameIndex = new Set(cmps.map((c) => c.index)).size < cmps.length;
    const groups = sameIndex ? cmps.map((c) => [c]) : [cmps];
    for (const name of s.names) {
      for (const g of groups) {
        const parts = g.map((c) => `${c.index} ${OPS[c.op]} ${c.value} ${c.valueTwo}`);
        lines.push(`rule ${act} ${name} ${g.length}${parts.length ? ' ' + parts.join(' ') : ''}`);
      }
    }
  }
  return lines.join('\n') + '\n';
}

export function runOracle(oracle: Oracle, profile: LinuxSeccomp, arches: SeccompArch[], badArch: number): OracleResult {
  const out = join(dirname(oracle.bin), `filter-${process.pid}-${Math.random().toString(36).slice(2)}.bpf`);
  const r = spawnSync(oracle.bin, [out], { input: oracleInput(profile, arches, badArch), encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`libseccomp oracle failed (${r.status}): ${r.stderr}`);
  const program = new Uint8Array(readFileSync(out));
  rmSync(out, { force: true });
  const resolved = new Map<SeccompArch, Map<string, number>>();
  const ruleErrors: string[] = [];
  for (const line of r.stdout.split('\n')) {
    const f = line.split(' ');
    if (f[0] === 'resolve') {
      const arch = f[1] as SeccompArch;
      const m = resolved.get(arch) ?? new Map<string, number>();
      m.set(f[2]!, Number(f[3]));
      resolved.set(arch, m);
    } else if (f[0] === 'ruleerror') {
      ruleErrors.push(`${f[1]}: errno ${f[2]}`);
    }
  }
  return { program, resolved, ruleErrors };
}
