import { join } from 'node:path';
import type { ContainerRecord } from '../container-types.ts';
import type { EngineContext } from '../engine-context.ts';
import { rwDir } from '../paths.ts';
import { treeSize } from '../fs/rw-layer-size.ts';
import { refreshAll } from './repair.ts';
import { removeContainer } from './remove.ts';

// docker's prune filters: until (created before), label / label! (with or without a value).
export interface PruneFilters {
  // epoch ms: only what was created before
  until?: number;
  labels: { key: string; value?: string; negate: boolean }[];
}

export function matchesPruneFilters(created: string, labels: Record<string, string>, f: PruneFilters): boolean {
  if (f.until !== undefined && Date.parse(created) >= f.until) return false;
  for (const l of f.labels) {
    const has = l.key in labels && (l.value === undefined || labels[l.key] === l.value);
    if (has === l.negate) return false;
  }
  return true;
}

const isStopped = (r: ContainerRecord): boolean => r.State.Status === 'exited' || r.State.Status === 'created' || r.State.Status === 'dead';

// docker container prune: every stopped container (created or exited) that matches the filters
// is removed with its writable layer; reclaimed space is the size of those layers.
export async function pruneContainers(ctx: EngineContext, f: PruneFilters): Promise<{ deleted: string[]; bytes: number }> {
  const deleted: string[] = [];
  let bytes = 0;
  for (const r of await refreshAll(ctx)) {
    if (!isStopped(r) || !matchesPruneFilters(r.Created, r.Config.Labels, f)) continue;
    const size = treeSize(join(rwDir(ctx.paths, r.Id), 'upper'));
    try {
      await removeContainer(ctx, r.Id, { force: false, volumes: false });
    } catch (err) {
      // started (or removed) since we listed it: not ours to prune any more
      ctx.log.debug(`container prune: ${r.Id}: ${(err as Error).message}`);
      continue;
    }
    deleted.push(r.Id);
    bytes += size;
  }
  return { deleted, bytes };
}
