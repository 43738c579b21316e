import { openImageStore } from '../../image/store/open-image-store.ts';
import { pruneImages } from '../../image/prune-images.ts';
import type { Digest } from '../../oci/digest.ts';
import type { ImageUsers } from '../../image/image-users.ts';
import type { EngineContext } from '../engine-context.ts';
import { pruneContainers, type PruneFilters } from '../lifecycle/prune.ts';
import { pruneVolumes } from '../volumes/volume-commands.ts';

export interface SystemPruneResult {
  containers: string[];
  volumes: string[];
  untagged: string[];
  deletedImages: string[];
  bytes: number;
}

// The remaining containers as users of images: their images stay, and so do the layers their
// root filesystems are made of.
function imageUsers(ctx: EngineContext): ImageUsers {
  const records = ctx.store.list();
  const layers = new Set<string>();
  for (const r of records) for (const l of r.Berth.layers) layers.add(l);
  return { of: (id: Digest) => records.filter((r) => r.Image === id).map((r) => ({ id: r.Id, running: r.State.Running })), layers };
}

// docker system prune: stopped containers, then (with `volumes`) unused anonymous volumes, then
// dangling images (every image no container uses, with `all`), then the layers and blobs no
// image refers to any more. berth has no networks or build cache to prune.
export async function pruneSystem(ctx: EngineContext, o: { all: boolean; volumes: boolean; filters: PruneFilters; imageFilters: string[] }): Promise<SystemPruneResult> {
  const c = await pruneContainers(ctx, o.filters);
  const v = o.volumes ? pruneVolumes(ctx, { all: false, filters: o.filters }) : { deleted: [], bytes: 0 };
  const store = await openImageStore(ctx.paths.root, { layers: true });
  const i = pruneImages(store, { all: o.all, filters: o.imageFilters, users: imageUsers(ctx) });
  return { containers: c.deleted, volumes: v.deleted, untagged: i.untagged, deletedImages: i.deleted, bytes: c.bytes + v.bytes + i.bytes };
}
