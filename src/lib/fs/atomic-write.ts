import { closeSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { dirname, basename, join } from 'node:path';

// Crash-safe replace: write a temp file beside the target, fsync it, rename over the target,
// fsync the directory. A reader sees the old file or the new one, never a torn one.
// sync: false keeps the atomic replace and skips both fsyncs, for files describing state that a
// crash ends anyway (a mount's bookkeeping: no mount survives a reboot).
export function writeFileAtomic(path: string, data: string | Uint8Array, mode = 0o644, { sync = true }: { sync?: boolean } = {}): void {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  const fd = openSync(tmp, 'w', mode);
  try {
    writeSync(fd, typeof data === 'string' ? Buffer.from(data) : data);
    if (sync) fsyncSync(fd);
  } catch (err) {
    closeSync(fd);
    try {
      unlinkSync(tmp);
    } catch {
      // the temp file is ours; if it is already gone there is nothing to undo
    }
    throw err;
  }
  closeSync(fd);
  renameSync(tmp, path);
  if (!sync) return;
  const dirFd = openSync(dirname(path), 'r');
  try {
    fsyncSync(dirFd);
  } finally {
    closeSync(dirFd);
  }
}
