import { UsageError } from './errors.ts';

const UNITS: Record<string, number> = { '': 1, b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4, p: 1024 ** 5 };

// docker's RAMInBytes: "512k", "64m", "1.5g", "1073741824"; binary units, any case, optional
// trailing "b" ("64mb"). -1 is kept as is: "unlimited" for the fields that allow it.
export function parseBytes(text: string, flag: string): number {
  if (text === '-1') return -1;
  const m = /^(\d+(?:\.\d+)?)\s*([kmgtp]?)b?$/i.exec(text.trim());
  if (!m) throw new UsageError(`invalid value "${text}" for ${flag}: expected a size such as 512m`);
  return Math.round(Number(m[1]) * UNITS[m[2]!.toLowerCase()]!);
}

// Go's time.ParseDuration for the common cases: "5s", "500ms", "1m30s", "2h".
export function parseDuration(text: string, flag: string): number {
  const re = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g;
  const factor: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  let total = 0;
  let consumed = 0;
  for (const m of text.matchAll(re)) {
    if (m.index !== consumed) break;
    total += Number(m[1]) * factor[m[2]!]!;
    consumed += m[0].length;
  }
  if (consumed === 0 || consumed !== text.length) throw new UsageError(`invalid value "${text}" for ${flag}: expected a duration such as 5s or 500ms`);
  return total;
}
