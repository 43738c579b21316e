import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SystemError } from '../../lib/errors.ts';
import { describeErrno } from '../../lib/errno.ts';

// Reading and writing cgroupfs interface files. The kernel answers a bad value with the
// write's errno and nothing else, so every failure names the file and the value written:
// `writing "max" to /sys/fs/cgroup/c1/pids.max: invalid argument (EINVAL)`.

function errnoOf(err: unknown): string {
  return (err as NodeJS.ErrnoException).code ?? '';
}

function reason(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  return typeof e.errno === 'number' ? describeErrno(-e.errno) : (e.message ?? String(err));
}

export interface CgroupWrite {
  path: string;
  value: string;
}

// Every write, in order, while a recorder is active. cgroupfs files such as devices.allow or
// io.max take one command per write and show a summary when read, so the order and number of
// writes is what tests against a plain directory check. `after` runs once a write succeeded:
// tests use it to play the kernel's part (a freezer.state that says FREEZING for a while).
interface Recorder {
  writes: CgroupWrite[];
  after: ((w: CgroupWrite) => void) | undefined;
}
let recorders: Recorder[] = [];

export function recordCgroupWrites(after?: (w: CgroupWrite) => void): { writes: CgroupWrite[]; stop(): void } {
  const r: Recorder = { writes: [], after };
  recorders.push(r);
  return { writes: r.writes, stop: () => void (recorders = recorders.filter((x) => x !== r)) };
}

// One write(2) per call: cgroupfs parses each write as one command, so a value must never be
// split (writeFileSync writes a short string in one call).
export function writeCgroupFile(dir: string, file: string, value: string): void {
  const path = join(dir, file);
  for (const r of recorders) r.writes.push({ path, value });
  try {
    writeFileSync(path, value);
  } catch (err) {
    throw new SystemError('E_CGROUP_WRITE', `writing "${value}" to ${path}: ${reason(err)}`, errnoOf(err), { cause: err });
  }
  for (const r of recorders) r.after?.({ path, value });
}

export function readCgroupFile(dir: string, file: string): string {
  const path = join(dir, file);
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new SystemError('E_CGROUP_READ', `reading ${path}: ${reason(err)}`, errnoOf(err), { cause: err });
  }
}

export function readCgroupFileIfExists(dir: string, file: string): string | undefined {
  try {
    return readFileSync(join(dir, file), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new SystemError('E_CGROUP_READ', `reading ${join(dir, file)}: ${reason(err)}`, errnoOf(err), { cause: err });
  }
}

export function hasCgroupFile(dir: string, file: string): boolean {
  return existsSync(join(dir, file));
}

// "max" and the v1 "unlimited" sentinels are large; counters can pass 2^53. Values are bigint
// so that stats print exactly what the kernel said (runc prints uint64s).
export function parseCgroupUint(text: string, what: string): bigint {
  const t = text.trim();
  if (t === 'max') return 0xffff_ffff_ffff_ffffn;
  if (!/^-?\d+$/.test(t)) throw new SystemError('E_CGROUP_PARSE', `parsing ${what}: "${t}" is not an integer`, 'EINVAL');
  const v = BigInt(t);
  // v1 reports some unset values as -1 (cpu.cfs_quota_us); runc reads those as 0
  return v < 0n ? 0n : v;
}

// Flat keyed files ("usage_usec 123\nuser_usec 45"): key -> value.
export function parseFlatKeyed(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split('\n')) {
    const t = line.trim();
    if (!t) continue;
    const sp = t.indexOf(' ');
    if (sp < 0) continue;
    out.set(t.slice(0, sp), t.slice(sp + 1).trim());
  }
  return out;
}

// Nested keyed files ("8:0 rbytes=1 wbytes=2"): first word -> key=value map.
export function parseNestedKeyed(text: string): Map<string, Map<string, string>> {
  const out = new Map<string, Map<string, string>>();
  for (const line of text.split('\n')) {
    const words = line.trim().split(/\s+/).filter(Boolean);
    if (words.length === 0) continue;
    const inner = new Map<string, string>();
    for (const w of words.slice(1)) {
      const eq = w.indexOf('=');
      if (eq > 0) inner.set(w.slice(0, eq), w.slice(eq + 1));
    }
    out.set(words[0]!, inner);
  }
  return out;
}

// A flat keyed file's value as a bigint, 0 when the key is absent.
export function flatKeyedUint(map: Map<string, string>, key: string, what: string): bigint {
  const v = map.get(key);
  return v === undefined ? 0n : parseCgroupUint(v, `${what} ${key}`);
}
