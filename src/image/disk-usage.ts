// What the image store takes on disk, for `system df`: unpacked layers (shared layers counted
// once) plus the blobs kept for push and save, per image and in total. Reclaimable is what
// removing every image no container uses would free.
import type { Digest } from '../oci/digest.ts';
import { referenceCounts } from './store/garbage-collect.ts';
import { NO_IMAGE_USERS, type ImageUsers } from './image-users.ts';
import { listImages, type ImageSummary } from './list-images.ts';
import type { ImageStore } from './store/image-store.ts';

export interface ImageUsage {
  summary: ImageSummary;
  size: number;
  sharedSize: number;
  uniqueSize: number;
  containers: number;
}

export interface DiskUsage {
  images: ImageUsage[];
  total: number;
  active: number;
  size: number;
  reclaimable: number;
  partialDownloads: number;
}

export function diskUsage(store: ImageStore, users: ImageUsers = NO_IMAGE_USERS): DiskUsage {
  const { blobs: blobRefs, layers: layerRefs } = referenceCounts(store);
  const layerSize = new Map<string, number>();
  for (const l of store.layers?.list() ?? []) layerSize.set(l.chainId, l.size ?? 0);
  const blobSize = (d: string): number => store.blobs.size(d as Digest) ?? 0;
  const images = listImages(store).map((summary): ImageUsage => {
    const r = summary.record;
    let shared = 0;
    let unique = 0;
    const seen = new Set<string>();
    for (const l of r.layers) {
      if (seen.has(l.chainId)) continue;
      seen.add(l.chainId);
      const sz = (layerSize.get(l.chainId) ?? l.unpackedSize) + blobSize(l.digest);
      if ((layerRefs.get(l.chainId) ?? 0) > 1) shared += sz;
      else unique += sz;
    }
    for (const d of [r.id, r.manifest, ...(r.index ? [r.index] : [])]) {
      if ((blobRefs.get(d) ?? 0) > 1) shared += blobSize(d);
      else unique += blobSize(d);
    }
    return { summary, size: shared + unique, sharedSize: shared, uniqueSize: unique, containers: users.of(r.id).length };
  });
  let size = 0;
  for (const v of layerSize.values()) size += v;
  for (const d of store.blobs.list()) size += blobSize(d);
  const active = images.filter((i) => i.containers > 0);
  const activeBytes = new Set<string>();
  let activeSize = 0;
  for (const a of active) {
    const r = a.summary.record;
    for (const k of [...r.layers.map((l) => l.chainId)]) if (!activeBytes.has(k)) { activeBytes.add(k); activeSize += layerSize.get(k) ?? 0; }
    for (const d of [r.id, r.manifest, ...(r.index ? [r.index] : []), ...r.layers.map((l) => l.digest)]) if (!activeBytes.has(d)) { activeBytes.add(d); activeSize += blobSize(d); }
  }
  const partialDownloads = store.blobs.listIngests().reduce((n, i) => n + i.size, 0);
  return { images, total: images.length, active: active.length, size, reclaimable: Math.max(0, size - activeSize), partialDownloads };
}
