// Mark and sweep over the store, under its lock: a blob or an unpacked layer is kept while an
// image record refers to it (its reference count, computed from the records rather than kept
// as a counter that a crash could leave wrong) or a running pull or load holds a lease on it.
// Layers go children first: the layer store refuses to remove a parent before its children.
import type { Digest } from '../../oci/digest.ts';
import type { ImageStore } from './image-store.ts';

export interface GcResult {
  blobs: Digest[];
  layers: string[];
  bytes: number;
}

// Counts references to every blob and layer: what `system df` and `rmi` need.
export function referenceCounts(store: ImageStore): { blobs: Map<string, number>; layers: Map<string, number> } {
  const blobs = new Map<string, number>();
  const layers = new Map<string, number>();
  const inc = (m: Map<string, number>, k: string): void => void m.set(k, (m.get(k) ?? 0) + 1);
  for (const r of store.list()) {
    const own = new Set<string>([r.id, r.manifest, ...(r.index ? [r.index] : []), ...r.layers.map((l) => l.digest)]);
    for (const d of own) inc(blobs, d);
    for (const l of new Set(r.layers.map((l) => l.chainId))) inc(layers, l);
  }
  return { blobs, layers };
}

// Callers hold the store lock.
export function collectGarbageLocked(store: ImageStore, inUseLayers: Set<string> = new Set()): GcResult {
  const { blobs: blobRefs, layers: layerRefs } = referenceCounts(store);
  const leased = store.leasedDigests();
  const result: GcResult = { blobs: [], layers: [], bytes: 0 };
  for (const d of store.blobs.list()) {
    if (blobRefs.has(d) || leased.has(d)) continue;
    result.bytes += store.blobs.size(d) ?? 0;
    store.blobs.delete(d);
    result.blobs.push(d);
  }
  const sink = store.layers;
  if (sink) {
    const all = sink.list() as { chainId: string; parent?: string; size?: number }[];
    const parentOf = new Map(all.map((l) => [l.chainId, l.parent]));
    const depth = (id: string): number => {
      let n = 0;
      for (let p = parentOf.get(id); p !== undefined; p = parentOf.get(p)) n++;
      return n;
    };
    // a referenced layer keeps its ancestors
    const keep = new Set<string>();
    for (const id of [...layerRefs.keys(), ...inUseLayers]) {
      for (let p: string | undefined = id; p !== undefined && !keep.has(p); p = parentOf.get(p)) keep.add(p);
    }
    const doomed = all.filter((l) => !keep.has(l.chainId) && !leased.has(l.chainId)).sort((a, b) => depth(b.chainId) - depth(a.chainId));
    for (const l of doomed) {
      try {
        sink.remove(l.chainId);
        result.layers.push(l.chainId);
        result.bytes += l.size ?? 0;
      } catch {
        // in use by a mounted rootfs or being written: left for a later collection
      }
    }
  }
  return result;
}

export function collectGarbage(store: ImageStore): GcResult {
  return store.withLock(() => collectGarbageLocked(store));
}
