import { readRecord, listContainerIds } from '../state/container-record.ts';
import { deriveStatus, ociState } from '../state/status.ts';
import { cgroupPids, pidsDir } from '../cgroups/placement.ts';
import { NotFoundError } from '../../lib/errors.ts';
import type { RuntimeContext } from './context.ts';

export type StateReport = ReturnType<typeof ociState>;

export function containerState(ctx: RuntimeContext, id: string): StateReport {
  const record = readRecord(ctx.root, id);
  return ociState(record, deriveStatus(ctx.root, record));
}

// Containers whose create is still under way (no state.json yet) are skipped, as runc does.
export function listContainers(ctx: RuntimeContext): StateReport[] {
  const out: StateReport[] = [];
  for (const id of listContainerIds(ctx.root)) {
    try {
      out.push(containerState(ctx, id));
    } catch (err) {
      if (!(err instanceof NotFoundError)) throw err;
    }
  }
  return out;
}

export function containerPids(ctx: RuntimeContext, id: string): number[] {
  const record = readRecord(ctx.root, id);
  const dir = pidsDir(record.cgroups);
  const pids = dir ? cgroupPids(dir.path) : [];
  if (pids.length === 0 && deriveStatus(ctx.root, record) !== 'stopped') pids.push(record.pid);
  return pids.sort((a, b) => a - b);
}
