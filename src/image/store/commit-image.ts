// Writes an image into the store once all its blobs (and unpacked layers) are there: the record,
// then the tag and repo digest naming it, under the store lock. A tag that named another image
// moves, as in docker; that image stays (untagged, "dangling") until rmi or prune.
import type { Digest } from '../../oci/digest.ts';
import type { ImageStore } from './image-store.ts';
import type { ImageRecord, LayerRecord } from './image-record.ts';

export interface NewImage {
  id: Digest;
  manifest: Digest;
  manifestMediaType: string;
  index?: Digest;
  layers: LayerRecord[];
  created: string;
  source?: string | undefined;
  tag?: string | undefined;          // full reference: docker.io/library/busybox:latest
  tags?: string[];
  repoDigest?: string | undefined;   // docker.io/library/busybox@sha256:...
}

export function commitImage(store: ImageStore, n: NewImage): { record: ImageRecord; updated: boolean } {
  return store.withLock(() => {
    const old = store.get(n.id);
    const record: ImageRecord = {
      id: n.id,
      manifest: n.manifest,
      manifestMediaType: n.manifestMediaType,
      ...(n.index ?? old?.index ? { index: (n.index ?? old?.index)! } : {}),
      layers: n.layers.map((l, i) => ({ ...l, unpackedSize: l.unpackedSize || old?.layers[i]?.unpackedSize || 0 })),
      created: n.created,
      lastTagTime: new Date().toISOString(),
      sources: [...new Set([...(old?.sources ?? []), ...(n.source ? [n.source] : [])])],
    };
    store.putRecord(record);
    const repos = store.repositories();
    let updated = old === undefined;
    for (const t of [...(n.tag !== undefined ? [n.tag] : []), ...(n.tags ?? [])]) {
      if (repos.tags[t] !== n.id) updated = true;
      repos.tags[t] = n.id;
    }
    if (n.repoDigest !== undefined) repos.digests[n.repoDigest] = n.id;
    store.writeRepositories(repos);
    return { record, updated };
  });
}
