// An exclusive lock as a file holding the owner's pid, created with O_EXCL. Node has no flock(2);
// a lock left by a process that died is recognised (its pid is gone) and taken over, so a crash
// never wedges the store. Held only around short metadata updates.
import { closeSync, linkSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ConflictError } from '../../lib/errors.ts';

const sleeper = new Int32Array(new SharedArrayBuffer(4));

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

let tmpCounter = 0;

// Tries once. Returns a release function, or undefined when a live process holds the lock.
export function tryLock(path: string): (() => void) | undefined {
  for (let attempt = 0; attempt < 3; attempt++) {
    // The file appears with the pid already in it (written aside, then linked into place): made
    // with O_EXCL and written after, another process could read it empty, take it for a torn
    // lock and remove it while its owner holds it.
    // named as the stores' other temp files (.tmp-<pid>-...), which are removed once <pid> is gone
    const tmp = join(dirname(path), `.tmp-${process.pid}-lock-${++tmpCounter}`);
    const fd = openSync(tmp, 'w', 0o644);
    try {
      writeSync(fd, String(process.pid));
    } finally {
      closeSync(fd);
    }
    try {
      linkSync(tmp, path);
      return () => rmSync(path, { force: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      let owner = NaN;
      try {
        owner = Number(readFileSync(path, 'utf8'));
      } catch {
        continue; // released meanwhile
      }
      if (Number.isInteger(owner) && owner > 0 && (owner === process.pid || isAlive(owner))) return undefined;
      // the owner died (or the file is torn): take it over
      rmSync(path, { force: true });
    } finally {
      rmSync(tmp, { force: true });
    }
  }
  return undefined;
}

export function lock(path: string, timeoutMs = 60_000): () => void {
  const deadline = Date.now() + timeoutMs;
  for (let wait = 2; ; wait = Math.min(wait * 2, 100)) {
    const release = tryLock(path);
    if (release) return release;
    if (Date.now() > deadline) throw new ConflictError('E_STORE_LOCKED', `timed out waiting for the lock ${path}`);
    Atomics.wait(sleeper, 0, 0, wait);
  }
}
