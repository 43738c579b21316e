// docker pull: resolve the reference (an index is narrowed to one platform), fetch the config,
// then every layer through its own streaming pipeline, in parallel:
//
//   registry -> partial file + sha256 -> decompress (gzip, zstd, none) -> sha256 (diff id) -> unpack
//
// A layer whose chain id is already unpacked is skipped ("Already exists"). Interrupted
// downloads keep their partial files and resume with Range; network failures mid-blob are
// retried from where they stopped. The image record and its tags are written last, under the
// store lock, so an interrupted pull leaves no half image, only reusable blobs.
import { BerthError } from '../../lib/errors.ts';
import { mark } from '../../lib/trace.ts';
import { parseDigest, type Digest } from '../../oci/digest.ts';
import type { ImageConfig, ImageManifest, Platform } from '../../oci/image-spec.ts';
import { chainIds } from '../manifest/chain-id.ts';
import { ManifestError } from '../manifest/manifest-error.ts';
import { parseManifest } from '../manifest/parse-manifest.ts';
import { formatPlatform, hostPlatform, selectPlatform } from '../manifest/platform.ts';
import { formatReference, parseReference, repositoryName, type Reference } from '../reference.ts';
import type { RegistryClient } from '../registry/registry-client.ts';
import type { RegistrySettings } from '../registry/registry-settings.ts';
import { backoffMs, isNetworkError, sleep } from '../registry/retry.ts';
import type { ImageStore } from '../store/image-store.ts';
import type { ImageRecord, LayerRecord } from '../store/image-record.ts';
import { commitImage } from '../store/commit-image.ts';
import { BlobDownload, DownloadFailedError } from './blob-download.ts';
import { runLimited } from '../run-limited.ts';
import type { LayerSink } from '../store/layer-sink.ts';
import { unpackLayer } from './unpack-layer.ts';
import type { PullObserver } from './pull-events.ts';

export interface PullOptions {
  store: ImageStore;
  reference: string;
  platform?: Platform;
  settings: RegistrySettings;
  signal?: AbortSignal;
  observer?: PullObserver;
  concurrency?: number;
}

export interface PullResult {
  image: ImageRecord;
  reference: Reference;
  // the digest the registry names the pulled reference by (the index's, when there was one)
  digest: Digest;
  updated: boolean;
}

export async function pullImage(o: PullOptions): Promise<PullResult> {
  const ref = parseReference(o.reference, { defaultTag: true });
  const { RegistryClient } = await import('../registry/registry-client.ts');
  const client = new RegistryClient({ domain: ref.domain, path: ref.path, settings: o.settings });
  try {
    return await pullWith(client, ref, o);
  } finally {
    await client.close();
  }
}

async function pullWith(client: RegistryClient, ref: Reference, o: PullOptions): Promise<PullResult> {
  const { store, signal } = o;
  const what = formatReference(ref);
  o.observer?.resolved?.({ repository: repositoryName(ref), tagOrDigest: ref.digest ?? ref.tag ?? 'latest' });
  await client.baseUrl(signal);
  mark('registry pinged');
  const top = await client.getManifest(ref.digest ?? ref.tag!, what, signal);
  mark('manifest fetched');
  const parsed = parseManifest(top.bytes, top.mediaType, what);
  let manifestBytes = top.bytes;
  let manifestDigest = top.digest;
  let manifestMediaType = parsed.mediaType;
  let manifest: ImageManifest;
  let indexDigest: Digest | undefined;
  const want = o.platform ?? hostPlatform();
  if (parsed.kind === 'index') {
    const chosen = selectPlatform(parsed.index, want, what);
    indexDigest = top.digest;
    const m = await client.getManifest(chosen.digest, `${what} (${formatPlatform(want)})`, signal);
    const p = parseManifest(m.bytes, m.mediaType, `${what}@${chosen.digest}`);
    if (p.kind !== 'manifest') throw new ManifestError('E_MANIFEST_NESTED_INDEX', `the manifest list of ${what} names another list (${chosen.digest}) for ${formatPlatform(want)}`);
    manifest = p.manifest;
    manifestBytes = m.bytes;
    manifestDigest = m.digest;
    manifestMediaType = p.mediaType;
  } else {
    manifest = parsed.manifest;
  }

  const configDigest = parseDigest(manifest.config.digest);
  const layerDigests = manifest.layers.map((l) => parseDigest(l.digest));
  const release = store.lease([top.digest, manifestDigest, configDigest, ...layerDigests]);
  try {
    let configBytes: Buffer;
    if (store.blobs.has(configDigest)) configBytes = store.blobs.read(configDigest);
    else {
      // verified here, stored with the manifest once the layers are in
      configBytes = await client.readBlob(configDigest, `the config of ${what}`, signal);
    }
    mark('config fetched');
    const config = JSON.parse(configBytes.toString('utf8')) as ImageConfig;
    const diffIds = (config.rootfs?.diff_ids ?? []).map((d) => parseDigest(d));
    if (diffIds.length !== manifest.layers.length) {
      throw new ManifestError('E_MANIFEST_LAYER_COUNT', `${what}: the manifest lists ${manifest.layers.length} layers but the config ${diffIds.length} diff ids`);
    }
    if (o.platform && (config.os !== want.os || config.architecture !== want.architecture) && parsed.kind !== 'index') {
      throw new ManifestError('E_NO_MATCHING_PLATFORM', `image ${what} is for ${config.os}/${config.architecture}, not the requested ${formatPlatform(want)}`);
    }
    const chains = chainIds(diffIds);
    const layers: LayerRecord[] = manifest.layers.map((l, i) => ({
      digest: layerDigests[i]!,
      mediaType: l.mediaType,
      size: l.size,
      diffId: diffIds[i]!,
      chainId: chains[i]!,
      unpackedSize: 0,
    }));

    await fetchLayers(client, o, layers);

    store.blobs.putVerified(configDigest, configBytes);
    store.blobs.putVerified(manifestDigest, manifestBytes);
    if (indexDigest) store.blobs.putVerified(indexDigest, top.bytes);
    const { record, updated } = commitImage(store, {
      id: configDigest,
      manifest: manifestDigest,
      manifestMediaType,
      ...(indexDigest ? { index: indexDigest } : {}),
      layers,
      created: config.created ?? new Date(0).toISOString(),
      source: repositoryName(ref),
      tag: ref.tag !== undefined && ref.digest === undefined ? formatReference({ domain: ref.domain, path: ref.path, tag: ref.tag }) : undefined,
      repoDigest: `${repositoryName(ref)}@${top.digest}`,
    });
    return { image: record, reference: ref, digest: top.digest, updated };
  } finally {
    release();
  }
}

interface LayerJob {
  layer: LayerRecord;
  parent: string | undefined;
  id: string;
  unpack: boolean;
  // the download in progress, once started
  current?: BlobDownload;
  started: Deferred<void>;
  downloaded: Deferred<void>;
  // set while the layer is being unpacked (for the Extracting status)
  unpacking?: boolean;
  complete?: boolean;
}

// Downloads (parallel, at most `concurrency`) and unpacks (in order) the layers.
async function fetchLayers(client: RegistryClient, o: PullOptions, layers: LayerRecord[]): Promise<void> {
  const { store, observer } = o;
  const sink = store.layers;
  const abort = new AbortController();
  const onOuterAbort = (): void => abort.abort(o.signal?.reason);
  o.signal?.addEventListener('abort', onOuterAbort, { once: true });
  const jobs: LayerJob[] = layers.map((layer, i) => ({
    layer,
    parent: i === 0 ? undefined : layers[i - 1]!.chainId,
    id: layer.digest.slice(7, 19),
    unpack: sink !== undefined && !sink.has(layer.chainId),
    started: deferred(),
    downloaded: deferred(),
  }));
  for (const j of jobs) {
    if (!j.unpack && store.blobs.has(j.layer.digest)) {
      j.layer.unpackedSize = sink?.get?.(j.layer.chainId)?.size ?? 0;
      observer?.layer?.({ id: j.id, status: 'Already exists' });
      j.started.resolve();
      j.downloaded.resolve();
    } else observer?.layer?.({ id: j.id, status: store.blobs.has(j.layer.digest) ? 'Download complete' : 'Pulling fs layer' });
  }
  const fail = (e: unknown): never => {
    abort.abort(e);
    throw e;
  };
  const downloads = runLimited(
    jobs.filter((j) => !store.blobs.has(j.layer.digest)).map((j) => () => downloadLayer(client, o, j, abort.signal).catch(fail)),
    o.concurrency ?? 4,
  ).catch((e: unknown) => {
    // downloads that never started: wake whoever waits for them
    for (const j of jobs) {
      j.downloaded.reject(e);
      j.started.resolve();
    }
    throw e;
  });
  for (const j of jobs) if (store.blobs.has(j.layer.digest)) { j.started.resolve(); j.downloaded.resolve(); }
  const unpacks = (async () => {
    for (const j of jobs) {
      if (!j.unpack) continue;
      await unpackJob(sink!, o, j, abort.signal).catch(fail);
    }
  })();
  try {
    const results = await Promise.allSettled([downloads, unpacks]);
    for (const r of results) if (r.status === 'rejected') throw abort.signal.reason ?? r.reason;
  } finally {
    o.signal?.removeEventListener('abort', onOuterAbort);
  }
}

async function downloadLayer(client: RegistryClient, o: PullOptions, j: LayerJob, signal: AbortSignal): Promise<void> {
  const { store, observer } = o;
  const { layer, id } = j;
  try {
    for (let attempt = 0; ; attempt++) {
      const ingest = store.blobs.ingest(layer.digest);
      const d = new BlobDownload(ingest, layer.digest, layer.size, store.blobs.path(layer.digest));
      j.current = d;
      j.started.resolve();
      let last = -1;
      try {
        await d.run(client, signal, (n) => {
          if (n - last >= 512 << 10 || n === layer.size) {
            last = n;
            observer?.layer?.({ id, status: 'Downloading', current: n, total: layer.size });
          }
        });
        observer?.layer?.({ id, status: 'Download complete' });
        j.complete = true;
        if (j.unpacking) observer?.layer?.({ id, status: 'Extracting' });
        mark(`download ${id} done`);
        j.downloaded.resolve();
        return;
      } catch (e) {
        ingest.suspend();
        if (signal.aborted) throw signal.reason ?? e;
        if (isNetworkError(e) && attempt < o.settings.retries) {
          observer?.layer?.({ id, status: 'Retrying', detail: `attempt ${attempt + 2} of ${o.settings.retries + 1}` });
          await sleep(backoffMs(attempt, o.settings.retryBaseMs), signal);
          continue;
        }
        throw e instanceof BerthError ? e.wrap(`pulling layer ${layer.digest}`) : e;
      }
    }
  } catch (e) {
    j.downloaded.reject(e);
    j.started.resolve();
    throw e;
  }
}

async function unpackJob(sink: LayerSink, o: PullOptions, j: LayerJob, signal: AbortSignal): Promise<void> {
  const { store, observer } = o;
  await j.started.promise;
  const live = j.current;
  mark(`unpack ${j.id} start`);
  j.unpacking = true;
  if (j.complete) observer?.layer?.({ id: j.id, status: 'Extracting' });
  if (live) {
    // follow the download as it comes
    try {
      j.layer.unpackedSize = await unpackLayer(sink, j.layer, j.parent, live.read());
      mark(`unpack ${j.id} done`);
      await j.downloaded.promise;
      observer?.layer?.({ id: j.id, status: 'Pull complete' });
      return;
    } catch (e) {
      // the download failed: report its own error, unless it is being retried (network), in
      // which case unpack again once it is whole
      if (e instanceof DownloadFailedError && (signal.aborted || !isNetworkError(e.cause))) throw e.cause;
      if (signal.aborted || !isNetworkError(e)) throw e;
    }
  }
  await j.downloaded.promise;
  observer?.layer?.({ id: j.id, status: 'Extracting' });
  j.layer.unpackedSize = await unpackLayer(sink, j.layer, j.parent, store.blobs.openRead(j.layer.digest));
  observer?.layer?.({ id: j.id, status: 'Pull complete' });
}

interface Deferred<T> {
  promise: Promise<T>;
  resolve(v: T): void;
  reject(e: unknown): void;
}

function deferred<T = void>(): Deferred<T> {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  promise.catch(() => undefined);
  return { promise, resolve, reject };
}

