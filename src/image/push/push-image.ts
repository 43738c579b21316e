// docker push: every blob of the image (layers, then config) goes up unless the repository has
// it already (HEAD), by a cross-repository mount when another repository of the same registry
// is known to hold it, else by upload: monolithic (one PUT) up to the chunk size, chunked
// (PATCH per chunk, then PUT) above it. The manifest goes last, under the tag.
import { NotFoundError, UsageError } from '../../lib/errors.ts';
import type { Digest } from '../../oci/digest.ts';
import { formatReference, parseReference, repositoryName, type Reference } from '../reference.ts';
import type { RegistryClient } from '../registry/registry-client.ts';
import type { RegistrySettings } from '../registry/registry-settings.ts';
import { runLimited } from '../run-limited.ts';
import type { ImageStore } from '../store/image-store.ts';
import type { ImageRecord } from '../store/image-record.ts';

export interface PushEvent {
  id: string;
  status: 'Preparing' | 'Waiting' | 'Pushing' | 'Pushed' | 'Layer already exists' | 'Mounted from';
  current?: number;
  total?: number;
  detail?: string;
}

export interface PushOptions {
  store: ImageStore;
  reference: string;
  settings: RegistrySettings;
  signal?: AbortSignal;
  onEvent?: (e: PushEvent) => void;
  // blobs larger than this are uploaded in chunks of this size (BERTH_PUSH_CHUNK_SIZE)
  chunkSize?: number;
  concurrency?: number;
}

export interface PushResult {
  reference: Reference;
  digest: Digest;
  size: number;
  image: ImageRecord;
}

export const DEFAULT_CHUNK_SIZE = 128 << 20;

export async function pushImage(o: PushOptions): Promise<PushResult> {
  const ref = parseReference(o.reference, { defaultTag: true });
  if (ref.digest && !ref.tag) throw new UsageError(`cannot push to a digest reference "${o.reference}": push to a tag`);
  const image = o.store.resolve(formatReference(ref));
  const { RegistryClient } = await import('../registry/registry-client.ts');
  const client = new RegistryClient({ domain: ref.domain, path: ref.path, settings: o.settings, push: true });
  try {
    return await pushWith(client, ref, image, o);
  } finally {
    await client.close();
  }
}

async function pushWith(client: RegistryClient, ref: Reference, image: ImageRecord, o: PushOptions): Promise<PushResult> {
  const { store, signal } = o;
  const repo = repositoryName(ref);
  const chunkSize = o.chunkSize ?? (Number(process.env['BERTH_PUSH_CHUNK_SIZE']) || DEFAULT_CHUNK_SIZE);
  // other repositories of this registry known to hold this image's blobs
  const mountSources = [...new Set(store.list().flatMap((r) => r.sources))]
    .map((s) => parseReference(s))
    .filter((s) => s.domain === ref.domain && s.path !== ref.path)
    .map((s) => s.path);
  const blobs = [...image.layers.map((l) => ({ digest: l.digest, size: l.size })), { digest: image.id, size: store.blobs.size(image.id) ?? 0 }];
  for (const b of blobs) {
    if (!store.blobs.has(b.digest)) {
      throw new NotFoundError('E_BLOB_MISSING', `blob ${b.digest} of image ${image.id.slice(7, 19)} is not in the store: pull or load the image again before pushing it`);
    }
  }
  for (const b of image.layers) o.onEvent?.({ id: b.digest.slice(7, 19), status: 'Preparing' });
  await client.baseUrl(signal);
  const pushBlob = async (digest: Digest, size: number, isLayer: boolean): Promise<void> => {
    const id = digest.slice(7, 19);
    const ev = (e: Omit<PushEvent, 'id'>): void => {
      if (isLayer) o.onEvent?.({ id, ...e });
    };
    if ((await client.statBlob(digest, signal)) !== undefined) {
      ev({ status: 'Layer already exists' });
      return;
    }
    // blobs of this image that came from another repository here: mount instead of upload
    const holders = mountSources.filter((p) => store.list().some((r) => r.sources.includes(`${ref.domain}/${p}`) && (r.id === digest || r.layers.some((l) => l.digest === digest))));
    let location: string | undefined;
    for (const from of holders) {
      const m = await client.mountBlob(digest, from, signal);
      if (m === true) {
        ev({ status: 'Mounted from', detail: from });
        return;
      }
      location = m;
      break;
    }
    location ??= await client.startUpload(signal);
    ev({ status: 'Pushing', current: 0, total: size });
    if (size <= chunkSize) {
      const counted = async function* (): AsyncGenerator<Uint8Array> {
        let sent = 0;
        let shown = 0;
        for await (const chunk of store.blobs.openRead(digest)) {
          sent += (chunk as Buffer).length;
          if (sent - shown >= 512 << 10) {
            shown = sent;
            ev({ status: 'Pushing', current: sent, total: size });
          }
          yield chunk as Buffer;
        }
      };
      await client.putBlob(location, digest, size, () => counted(), signal);
    } else {
      const path = store.blobs.path(digest);
      const { createReadStream } = await import('node:fs');
      await client.putBlobChunked(location, digest, size, chunkSize, (start, end) => createReadStream(path, { start, end: end - 1, highWaterMark: 1 << 20 }), (done) => ev({ status: 'Pushing', current: done, total: size }), signal);
    }
    ev({ status: 'Pushed' });
  };
  await runLimited(image.layers.map((l) => () => pushBlob(l.digest, l.size, true)), o.concurrency ?? 4);
  await pushBlob(image.id, store.blobs.size(image.id) ?? 0, false);
  const manifest = store.blobs.read(image.manifest);
  const tag = ref.tag ?? 'latest';
  await client.putManifest(tag, manifest, image.manifestMediaType, formatReference(ref), signal);
  const updated = store.withLock(() => {
    const current = store.get(image.id) ?? image;
    const next = { ...current, sources: [...new Set([...current.sources, repo])] };
    store.putRecord(next);
    const repos = store.repositories();
    repos.digests[`${repo}@${image.manifest}`] = image.id;
    store.writeRepositories(repos);
    return next;
  });
  return { reference: ref, digest: image.manifest, size: manifest.length, image: updated };
}
