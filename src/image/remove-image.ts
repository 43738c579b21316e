// docker rmi: a name removes that reference ("Untagged"); the image itself goes ("Deleted")
// when no reference is left. An id removes the image with all its references, which docker
// refuses without --force when the image is in several repositories.
import { ConflictError } from '../lib/errors.ts';
import type { Digest } from '../oci/digest.ts';
import { NO_IMAGE_USERS, type ImageUsers } from './image-users.ts';
import { familiarString, formatReference, parseReference, repositoryName } from './reference.ts';
import { collectGarbageLocked } from './store/garbage-collect.ts';
import { ImageNotFoundError, type ImageStore } from './store/image-store.ts';

export interface RemoveResult {
  untagged: string[];   // familiar references
  deleted: string[];    // image id, then removed layers' chain ids
  bytes: number;
}

export interface RemoveOptions {
  force?: boolean;
  // containers (rmi refuses to leave one without its image unless forced, and never a running one)
  users?: ImageUsers;
}

export function removeImage(store: ImageStore, name: string, o: RemoveOptions = {}): RemoveResult {
  return store.withLock(() => {
    const record = store.find(name);
    if (!record) throw new ImageNotFoundError(name);
    const repos = store.repositories();
    const tags = store.repoTags(record.id, repos);
    const digests = store.repoDigests(record.id, repos);
    const byId = /^(sha256:)?[a-f0-9]{1,64}$/.test(name) && record.id.slice(7).startsWith(name.replace(/^sha256:/, '')) && !isReferenceTo(name, repos.tags, record.id);
    const result: RemoveResult = { untagged: [], deleted: [], bytes: 0 };
    const users = (o.users ?? NO_IMAGE_USERS).of(record.id);
    const short = record.id.slice(7, 19);
    if (!byId) {
      // a reference: untag it; the digests of the same repository go with the last tag there
      const ref = parseReference(name, { defaultTag: true });
      const key = ref.digest ? `${repositoryName(ref)}@${ref.digest}` : formatReference(ref);
      // the last name of an image a container uses: removing it would leave the image nameless
      if (!o.force && users.length > 0 && tags.length + digests.length === 1) {
        throw new ConflictError('E_IMAGE_IN_USE', `conflict: unable to remove repository reference "${name}" (must force) - container ${users[0]!.id.slice(0, 12)} is using its referenced image ${short}`);
      }
      if (ref.digest) delete repos.digests[key];
      else delete repos.tags[key];
      result.untagged.push(familiarString(parseReference(key)));
      // the last tag of a repository takes that repository's digest references with it
      const repo = repositoryName(ref);
      if (!ref.digest && !store.repoTags(record.id, repos).some((t) => repositoryName(parseReference(t)) === repo)) {
        for (const d of store.repoDigests(record.id, repos)) {
          if (repositoryName(parseReference(d)) !== repo) continue;
          delete repos.digests[d];
          result.untagged.push(familiarString(parseReference(d)));
        }
      }
      const left = store.repoTags(record.id, repos);
      if (left.length > 0 || store.repoDigests(record.id, repos).length > 0) {
        store.writeRepositories(repos);
        return result;
      }
      if (users.length > 0) {
        // forced: the names go, the image stays for its containers (as a dangling image)
        store.writeRepositories(repos);
        return result;
      }
    } else {
      const repoNames = new Set([...tags, ...digests].map((r) => repositoryName(parseReference(r))));
      if (repoNames.size > 1 && !o.force) {
        throw new ConflictError('E_IMAGE_IN_MANY_REPOSITORIES', `conflict: unable to delete ${record.id.slice(7, 19)} (must be forced) - image is referenced in multiple repositories`);
      }
      const running = users.find((u) => u.running);
      if (running) throw new ConflictError('E_IMAGE_IN_USE', `conflict: unable to delete ${short} (cannot be forced) - image is being used by running container ${running.id.slice(0, 12)}`);
      if (users.length > 0 && !o.force) {
        throw new ConflictError('E_IMAGE_IN_USE', `conflict: unable to delete ${short} (must be forced) - image is being used by stopped container ${users[0]!.id.slice(0, 12)}`);
      }
      for (const t of tags) {
        delete repos.tags[t];
        result.untagged.push(familiarString(parseReference(t)));
      }
      for (const d of digests) {
        delete repos.digests[d];
        result.untagged.push(familiarString(parseReference(d)));
      }
    }
    store.writeRepositories(repos);
    store.deleteRecord(record.id);
    result.deleted.push(record.id);
    const gc = collectGarbageLocked(store, (o.users ?? NO_IMAGE_USERS).layers);
    result.deleted.push(...gc.layers);
    result.bytes = gc.bytes;
    return result;
  });
}

function isReferenceTo(name: string, tags: Record<string, Digest>, id: Digest): boolean {
  try {
    return tags[formatReference(parseReference(name, { defaultTag: true }))] === id;
  } catch {
    return false;
  }
}
