import { closeSync, constants, openSync, readlinkSync, unlinkSync, writeSync } from 'node:fs';
import { readRecord, fifoPath, type ContainerRecord } from '../state/container-record.ts';
import { deriveStatus, ociState } from '../state/status.ts';
import { runHooks } from '../hooks.ts';
import { ConflictError } from '../../lib/errors.ts';
import { hasErrnoCode } from '../../lib/errno.ts';
import type { RuntimeContext } from './context.ts';

// Releases the init from the create barrier: it reads one byte from the exec fifo. A
// non-blocking open fails with ENXIO when nothing holds the fifo open: the init is gone.
export function releaseInit(root: string, id: string): void {
  const path = fifoPath(root, id);
  let fd: number;
  try {
    fd = openSync(path, constants.O_WRONLY | constants.O_NONBLOCK);
  } catch (err) {
    if (hasErrnoCode(err, 'ENXIO', 'ENOENT')) throw new ConflictError('E_NOT_CREATED', `cannot start container "${id}": its process is no longer waiting to start`);
    throw err;
  }
  try {
    writeSync(fd, '0');
  } finally {
    closeSync(fd);
  }
  unlinkSync(path);
}

// Until the init execs the program it runs the helper, a memfd ("/memfd:berth-helper (deleted)").
// Waiting for the link to change puts poststart after the startContainer hooks and the exec, as
// runtime.md orders them. An unreadable link or a gone process ends the wait: the hooks then run
// against whatever the container became, as they would have without it.
async function waitForExec(pid: number): Promise<void> {
  for (let delay = 1; ; delay = Math.min(delay * 2, 20)) {
    try {
      if (!readlinkSync(`/proc/${pid}/exe`).includes('berth-helper')) return;
    } catch {
      return;
    }
    await new Promise((r) => setTimeout(r, delay));
  }
}

// poststart hooks run once the program was released and exec'd; a failure stops the container
// (runtime.md lifecycle step 9) and is reported.
export async function runPoststart(ctx: RuntimeContext, record: ContainerRecord): Promise<void> {
  if (!record.config.hooks?.poststart?.length) return;
  try {
    await waitForExec(record.pid);
    await runHooks('poststart', record.config.hooks?.poststart, ociState(record, 'running'));
  } catch (err) {
    try {
      process.kill(record.pid, 'SIGKILL');
    } catch {
      // already gone
    }
    throw err;
  }
}

export async function startContainer(ctx: RuntimeContext, id: string): Promise<void> {
  const record = readRecord(ctx.root, id);
  const status = deriveStatus(ctx.root, record);
  if (status !== 'created') throw new ConflictError('E_NOT_CREATED', `cannot start container "${id}": it is ${status}, not created`);
  releaseInit(ctx.root, id);
  await runPoststart(ctx, record);
}
