// The layers of a pull: downloads in parallel (at most `concurrency`), unpacking in layer order
// (the layer store needs a layer's parent whole), each unpacker following its layer's download
// as the bytes arrive (BlobDownload). A download that fails on the network is retried from its
// partial file; the unpacker then starts again from the whole blob.
import { BerthError } from '../../lib/errors.ts';
import { mark } from '../../lib/trace.ts';
import type { RegistryClient } from '../registry/registry-client.ts';
import { backoffMs, isNetworkError, sleep } from '../registry/retry.ts';
import type { LayerRecord } from '../store/image-record.ts';
import type { LayerSink } from '../store/layer-sink.ts';
import { runLimited } from '../run-limited.ts';
import { BlobDownload, DownloadFailedError } from './blob-download.ts';
import type { PullOptions } from './pull-image.ts';
import { unpackLayer } from './unpack-layer.ts';

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
export async function fetchLayers(client: RegistryClient, o: PullOptions, layers: LayerRecord[]): Promise<void> {
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

