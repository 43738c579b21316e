// docker image prune: removes dangling images (no tag), or with `all` every image no container
// uses; then collects the blobs and layers nothing refers to any more.
import { NO_IMAGE_USERS, type ImageUsers } from './image-users.ts';
import { familiarString, parseReference } from './reference.ts';
import { listImages } from './list-images.ts';
import { collectGarbageLocked } from './store/garbage-collect.ts';
import type { ImageStore } from './store/image-store.ts';

export interface PruneResult {
  untagged: string[];
  deleted: string[];
  bytes: number;
}

export function pruneImages(store: ImageStore, o: { all?: boolean; filters?: string[]; users?: ImageUsers } = {}): PruneResult {
  const users = o.users ?? NO_IMAGE_USERS;
  const candidates = listImages(store, o.filters ?? []).filter((s) => (o.all || s.RepoTags.length === 0) && users.of(s.record.id).length === 0);
  return store.withLock(() => {
    const result: PruneResult = { untagged: [], deleted: [], bytes: 0 };
    const repos = store.repositories();
    for (const c of candidates) {
      for (const [k, v] of Object.entries(repos.tags)) if (v === c.record.id) {
        delete repos.tags[k];
        result.untagged.push(familiarString(parseReference(k)));
      }
      for (const [k, v] of Object.entries(repos.digests)) if (v === c.record.id) {
        delete repos.digests[k];
        result.untagged.push(familiarString(parseReference(k)));
      }
    }
    store.writeRepositories(repos);
    for (const c of candidates) {
      store.deleteRecord(c.record.id);
      result.deleted.push(c.record.id);
    }
    const gc = collectGarbageLocked(store, users.layers);
    result.deleted.push(...gc.layers);
    result.bytes = gc.bytes;
    return result;
  });
}
