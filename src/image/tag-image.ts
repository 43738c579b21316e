// docker tag SOURCE TARGET: TARGET (with :latest implied) names SOURCE's image from now on.
import { UsageError } from '../lib/errors.ts';
import type { Digest } from '../oci/digest.ts';
import { formatReference, parseReference } from './reference.ts';
import type { ImageStore } from './store/image-store.ts';

export function tagImage(store: ImageStore, source: string, target: string): Digest {
  const ref = parseReference(target, { defaultTag: true });
  if (ref.digest) throw new UsageError(`invalid target "${target}": a tag cannot contain a digest`);
  return store.withLock(() => {
    const record = store.resolve(source);
    const repos = store.repositories();
    repos.tags[formatReference(ref)] = record.id;
    store.writeRepositories(repos);
    store.putRecord({ ...record, lastTagTime: new Date().toISOString() });
    return record.id;
  });
}
