import { parseCgroupUint, readCgroupFileIfExists } from '../cgroup-file.ts';
import type { PsiData, PsiStats } from '../stats.ts';

// Pressure stall information, cgroup v2's cpu.pressure, memory.pressure and io.pressure:
//   some avg10=0.12 avg60=0.03 avg300=0.00 total=12345
//   full avg10=0.00 avg60=0.00 avg300=0.00 total=0
// Absent (no CONFIG_PSI, or cgroup.pressure 0) is not an error: there is just no psi.

function parseLine(words: string[], file: string): PsiData {
  const d: PsiData = { avg10: 0, avg60: 0, avg300: 0, total: 0n };
  for (const w of words) {
    const [k, v] = w.split('=');
    if (v === undefined) continue;
    if (k === 'avg10' || k === 'avg60' || k === 'avg300') d[k] = Number(v);
    else if (k === 'total') d.total = parseCgroupUint(v, `${file} total`);
  }
  return d;
}

export function readPsi(dir: string, file: string): PsiStats | undefined {
  let text: string | undefined;
  try {
    text = readCgroupFileIfExists(dir, file);
  } catch {
    return undefined; // EOPNOTSUPP when psi is off on the kernel command line
  }
  if (text === undefined) return undefined;
  const out: PsiStats = { some: parseLine([], file), full: parseLine([], file) };
  for (const line of text.split('\n')) {
    const [kind, ...rest] = line.trim().split(/\s+/);
    if (kind === 'some' || kind === 'full') out[kind] = parseLine(rest, file);
  }
  return out;
}
