import { ConflictError, UsageError } from '../../lib/errors.ts';
import type { EngineContext } from '../engine-context.ts';
import { treeSize } from '../fs/rw-layer-size.ts';
import { matchesPruneFilters, type PruneFilters } from '../lifecycle/prune.ts';
import { NoSuchVolumeError, VolumeStore, type VolumeRecord } from './volume-store.ts';
import { volumeUsers } from './volume-users.ts';
import { ANONYMOUS_VOLUME_LABEL } from './anonymous-volume.ts';

export interface VolumeCreateRequest {
  name?: string;
  driver?: string;
  labels: Record<string, string>;
  options: Record<string, string>;
}

// docker volume create: idempotent for a name that exists; only the local driver, and none of
// its mount options (type, device, o), which would mount a device or a remote share.
export function createVolume(ctx: EngineContext, req: VolumeCreateRequest): VolumeRecord {
  if (req.driver && req.driver !== 'local') throw new UsageError(`volume driver "${req.driver}" is not supported: berth has only the local driver`);
  const opts = Object.keys(req.options);
  if (opts.length > 0) throw new UsageError(`volume options (${opts.join(', ')}) are not supported: berth's local volumes are plain directories`);
  return new VolumeStore(ctx.paths).create(req.name, req.labels);
}

export interface VolumeListFilters {
  dangling?: boolean;
  names: string[];
  labels: { key: string; value?: string }[];
  drivers: string[];
}

export interface VolumeListItem extends VolumeRecord {
  // containers using it
  users: string[];
}

export function listVolumes(ctx: EngineContext, f: VolumeListFilters): VolumeListItem[] {
  const users = volumeUsers(ctx.store.list());
  return new VolumeStore(ctx.paths)
    .list()
    .map((v) => ({ ...v, users: users.get(v.Name) ?? [] }))
    .filter((v) => {
      if (f.dangling !== undefined && (v.users.length === 0) !== f.dangling) return false;
      if (f.names.length > 0 && !f.names.some((n) => v.Name.includes(n))) return false;
      if (f.drivers.length > 0 && !f.drivers.includes(v.Driver)) return false;
      return f.labels.every((l) => l.key in v.Labels && (l.value === undefined || v.Labels[l.key] === l.value));
    });
}

export function inspectVolume(ctx: EngineContext, name: string): VolumeRecord {
  return new VolumeStore(ctx.paths).resolve(name);
}

// docker volume rm: refused while a container (running or not) uses it; with force, a volume
// that does not exist is not an error.
export function removeVolume(ctx: EngineContext, name: string, force: boolean): void {
  const store = new VolumeStore(ctx.paths);
  if (!store.get(name)) {
    if (force) return;
    throw new NoSuchVolumeError(name);
  }
  ctx.store.withStoreLock(() => {
    const users = volumeUsers(ctx.store.list()).get(name) ?? [];
    store.remove(name, users);
  });
}

// docker volume prune: unused anonymous volumes (all unused ones with `all`) that match the
// filters; reclaimed space is what their data took.
export function pruneVolumes(ctx: EngineContext, o: { all: boolean; filters: PruneFilters }): { deleted: string[]; bytes: number } {
  const store = new VolumeStore(ctx.paths);
  const deleted: string[] = [];
  let bytes = 0;
  ctx.store.withStoreLock(() => {
    const users = volumeUsers(ctx.store.list());
    for (const v of store.list()) {
      if ((users.get(v.Name) ?? []).length > 0) continue;
      if (!o.all && !(ANONYMOUS_VOLUME_LABEL in v.Labels)) continue;
      if (!matchesPruneFilters(v.CreatedAt, v.Labels, o.filters)) continue;
      const size = treeSize(v.Mountpoint);
      try {
        store.remove(v.Name);
      } catch (err) {
        if (err instanceof ConflictError) continue;
        throw err;
      }
      deleted.push(v.Name);
      bytes += size;
    }
  });
  return { deleted, bytes };
}
