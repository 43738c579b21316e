import { readRecord } from '../state/container-record.ts';
import { deriveStatus } from '../state/status.ts';
import { cgroupPids, pidsDir } from '../cgroups/placement.ts';
import { parseSignal } from '../../lib/proc/signals.ts';
import { ConflictError } from '../../lib/errors.ts';
import type { RuntimeContext } from './context.ts';

export interface KillOptions {
  all?: boolean;
}

export async function killContainer(ctx: RuntimeContext, id: string, signal: string, opts: KillOptions = {}): Promise<void> {
  const sig = parseSignal(signal);
  const record = readRecord(ctx.root, id);
  const status = deriveStatus(ctx.root, record);
  if (status === 'stopped') throw new ConflictError('E_CONTAINER_NOT_RUNNING', `container "${id}" is not running`);
  const pids = new Set<number>([record.pid]);
  if (opts.all) {
    const dir = pidsDir(record.cgroups);
    if (dir) for (const p of cgroupPids(dir.path)) pids.add(p);
  }
  for (const p of pids) {
    try {
      process.kill(p, sig);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
    }
  }
}
