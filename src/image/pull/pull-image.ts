// docker pull: resolve the reference (an index is narrowed to one platform), fetch the config,
// then every layer through its own streaming pipeline, in parallel:
//
//   registry -> partial file + sha256 -> decompress (gzip, zstd, none) -> sha256 (diff id) -> unpack
//
// A layer whose chain id is already unpacked is skipped ("Already exists"). Interrupted
// downloads keep their partial files and resume with Range; network failures mid-blob are
// retried from where they stopped. The image record and its tags are written last, under the
// store lock, so an interrupted pull leaves no half image, only reusable blobs.
import { mark } from '../../lib/trace.ts';
import { parseDigest, type Digest } from '../../oci/digest.ts';
import type { ImageConfig, ImageManifest, Platform } from '../../oci/image-spec.ts';
import { chainIds } from '../manifest/chain-id.ts';
import { ManifestError } from '../manifest/manifest-error.ts';
import { parseManifest } from '../manifest/parse-manifest.ts';
import { formatPlatform, hostPlatform, selectPlatform } from '../manifest/platform.ts';
import { DEFAULT_DOMAIN, formatReference, parseReference, repositoryName, type Reference } from '../reference.ts';
import { RegistryError } from '../registry/registry-error.ts';
import { InternalError } from '../../lib/errors.ts';
import { log } from '../../lib/log.ts';
import type { RegistryClient } from '../registry/registry-client.ts';
import type { RegistrySettings } from '../registry/registry-settings.ts';
import type { ImageStore } from '../store/image-store.ts';
import type { ImageRecord, LayerRecord } from '../store/image-record.ts';
import { commitImage } from '../store/commit-image.ts';
import { fetchLayers } from './fetch-layers.ts';
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
  const what = formatReference(ref);
  o.observer?.resolved?.({ repository: repositoryName(ref), tagOrDigest: ref.digest ?? ref.tag ?? 'latest' });
  // docker.io through its mirrors first, as docker does; any failure of a mirror falls through
  const mirrors = ref.domain === DEFAULT_DOMAIN ? o.settings.registryMirrors : [];
  for (const mirror of [...mirrors, undefined]) {
    const client = new RegistryClient({ domain: ref.domain, path: ref.path, settings: o.settings, ...(mirror ? { mirror } : {}) });
    try {
      let top: Manifest;
      try {
        await client.baseUrl(o.signal);
        mark('registry pinged');
        top = await client.getManifest(ref.digest ?? ref.tag!, what, o.signal);
        mark('manifest fetched');
      } catch (e) {
        if (mirror && !o.signal?.aborted && e instanceof RegistryError) {
          log.debug(`mirror ${mirror} failed for ${what}: ${e.message}`);
          continue;
        }
        throw e;
      }
      return await pullWith(client, ref, o, top);
    } finally {
      await client.close();
    }
  }
  throw new InternalError('no registry endpoint was tried');
}

type Manifest = Awaited<ReturnType<RegistryClient['getManifest']>>;

async function pullWith(client: RegistryClient, ref: Reference, o: PullOptions, top: Manifest): Promise<PullResult> {
  const { store, signal } = o;
  const what = formatReference(ref);
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

// The tags of a repository (pull --all-tags).
export async function listRepositoryTags(reference: string, settings: RegistrySettings, signal?: AbortSignal): Promise<string[]> {
  const ref = parseReference(reference);
  const { RegistryClient } = await import('../registry/registry-client.ts');
  const client = new RegistryClient({ domain: ref.domain, path: ref.path, settings });
  try {
    return (await client.listTags(signal)).sort();
  } finally {
    await client.close();
  }
}
