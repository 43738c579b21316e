import { closeSync, fstatSync, openSync, statSync, unlinkSync } from 'node:fs';
import { hasErrnoCode } from '../../lib/errno.ts';
import { libc } from '../sys/libc.ts';
import { LOCK } from '../sys/linux-constants.ts';
import { SyscallError } from '../sys/syscalls.ts';

// An exclusive flock(2) on a lock file. flock, rather than a lock directory holding a pid and a
// start time: the kernel drops it when the holder dies however it dies (SIGKILL, OOM, power
// loss), so there is never a stale lock to judge, and a waiter sleeps in the kernel instead of
// polling. The wait runs on koffi's worker thread so the event loop keeps going.
//
// Lock files may be deleted (when their layer is removed), so after locking, the file that is
// locked must still be the one at the path; otherwise the holder lost a race with a remover
// and tries again on the new file.
export class FileLock {
  readonly path: string;
  #fd: number;

  private constructor(path: string, fd: number) {
    this.path = path;
    this.#fd = fd;
  }

  static async acquire(path: string): Promise<FileLock> {
    for (;;) {
      const fd = openSync(path, 'a', 0o600);
      const ret = await libc().flockAsync(fd, LOCK.EX);
      if (ret < 0) {
        closeSync(fd);
        throw new SyscallError('flock', path, libc().errno());
      }
      if (isStillAt(fd, path)) return new FileLock(path, fd);
      closeSync(fd);
    }
  }

  // The lock if nobody holds it, else undefined (never waits).
  static tryAcquire(path: string): FileLock | undefined {
    for (;;) {
      const fd = openSync(path, 'a', 0o600);
      if (libc().flock(fd, LOCK.EX | LOCK.NB) < 0) {
        const errno = libc().errno();
        closeSync(fd);
        if (errno === 11 /* EWOULDBLOCK */) return undefined;
        throw new SyscallError('flock', path, errno);
      }
      if (isStillAt(fd, path)) return new FileLock(path, fd);
      closeSync(fd);
    }
  }

  release(): void {
    if (this.#fd < 0) return;
    closeSync(this.#fd); // closing the last fd drops the flock
    this.#fd = -1;
  }

  // Deletes the lock file while still holding it, then releases: waiters notice the file is
  // gone (isStillAt) and retry on a fresh one.
  releaseAndRemove(): void {
    try {
      unlinkSync(this.path);
    } catch (err) {
      if (!hasErrnoCode(err, 'ENOENT')) throw err;
    }
    this.release();
  }
}

function isStillAt(fd: number, path: string): boolean {
  try {
    return statSync(path).ino === fstatSync(fd).ino;
  } catch (err) {
    if (hasErrnoCode(err, 'ENOENT')) return false;
    throw err;
  }
}
