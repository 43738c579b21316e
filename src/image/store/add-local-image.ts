// Adds an image made from local layer tars (docker load, import, the busybox seed): each tar
// goes into the content store as it is (uncompressed, gzip or zstd), its diff id is measured,
// then it is unpacked; an OCI manifest is written for it, then the record and its tags.
import { newSha256 } from '../../lib/sha256.ts';
import { ManifestError } from '../manifest/manifest-error.ts';
import type { Digest } from '../../oci/digest.ts';
import { MediaType, type ImageConfig, type ImageManifest } from '../../oci/image-spec.ts';
import { chainIds } from '../manifest/chain-id.ts';
import { decompress, detectCompression } from '../content/decompress.ts';
import { unpackLayer } from '../pull/unpack-layer.ts';
import { commitImage } from './commit-image.ts';
import type { ImageStore } from './image-store.ts';
import type { ImageRecord, LayerRecord } from './image-record.ts';

export interface StoredLayer {
  digest: Digest;
  size: number;
  diffId: Digest;
  diffSize: number;
  mediaType: string;
}

// Writes one layer tar (in any compression) into the content store; returns its digests.
export async function storeLayerBlob(store: ImageStore, source: AsyncIterable<Uint8Array>): Promise<StoredLayer> {
  const ingest = store.blobs.ingest(undefined);
  const diff = newSha256();
  let diffSize = 0;
  let head: Uint8Array | undefined;
  let size = 0;
  try {
    const teed = (async function* () {
      for await (const chunk of source) {
        head ??= chunk;
        ingest.append(chunk);
        size += chunk.length;
        yield chunk;
      }
    })();
    for await (const c of decompress(teed)) {
      diff.update(c);
      diffSize += c.length;
    }
    const digest = ingest.commit();
    store.lease([digest]); // until the image that uses it is committed (or this process ends)
    const compression = head ? detectCompression(head) : 'none';
    const mediaType = compression === 'gzip' ? MediaType.ociLayerGzip : compression === 'zstd' ? MediaType.ociLayerZstd : MediaType.ociLayer;
    return { digest, size, diffId: `sha256:${diff.digest('hex')}` as Digest, diffSize, mediaType };
  } catch (e) {
    ingest.discard();
    throw e;
  }
}

export interface LocalImage {
  // a config whose rootfs.diff_ids are filled in from the layers, or the exact bytes of a
  // config from an archive (kept as they are: they are the image id)
  config: ImageConfig | Buffer;
  layers: StoredLayer[];
  tags: string[];           // full references
  source?: string;
}

export async function addLocalImage(store: ImageStore, img: LocalImage): Promise<ImageRecord> {
  let config: ImageConfig;
  let configBytes: Buffer;
  if (Buffer.isBuffer(img.config)) {
    configBytes = img.config;
    config = JSON.parse(configBytes.toString('utf8')) as ImageConfig;
    const expected = config.rootfs?.diff_ids ?? [];
    const got = img.layers.map((l) => l.diffId);
    if (expected.join() !== got.join()) {
      throw new ManifestError('E_LAYER_DIFF_ID_MISMATCH', `the layers do not match the image config: it lists diff ids ${expected.join(', ') || '(none)'}, the layers have ${got.join(', ') || '(none)'}`);
    }
  } else {
    config = { ...img.config, rootfs: { type: 'layers', diff_ids: img.layers.map((l) => l.diffId) } };
    configBytes = Buffer.from(JSON.stringify(config));
  }
  const configDigest = store.blobs.put(configBytes);
  const chains = chainIds(img.layers.map((l) => l.diffId));
  const layers: LayerRecord[] = img.layers.map((l, i) => ({ digest: l.digest, mediaType: l.mediaType, size: l.size, diffId: l.diffId, chainId: chains[i]!, unpackedSize: 0, diffSize: l.diffSize }));
  const release = store.lease([configDigest, ...layers.map((l) => l.digest)]);
  try {
    if (store.layers) {
      for (let i = 0; i < layers.length; i++) {
        const l = layers[i]!;
        l.unpackedSize = store.layers.has(l.chainId)
          ? (store.layers.get?.(l.chainId)?.size ?? 0)
          : await unpackLayer(store.layers, l, i === 0 ? undefined : chains[i - 1], store.blobs.openRead(l.digest));
      }
    }
    const manifest: ImageManifest = {
      schemaVersion: 2,
      mediaType: MediaType.ociManifest,
      config: { mediaType: MediaType.ociConfig, digest: configDigest, size: configBytes.length },
      layers: layers.map((l) => ({ mediaType: l.mediaType, digest: l.digest, size: l.size })),
    };
    const manifestDigest = store.blobs.put(Buffer.from(JSON.stringify(manifest)));
    return commitImage(store, {
      id: configDigest,
      manifest: manifestDigest,
      manifestMediaType: MediaType.ociManifest,
      layers,
      created: config.created ?? new Date().toISOString(),
      tags: img.tags,
      ...(img.source ? { source: img.source } : {}),
    }).record;
  } finally {
    release();
  }
}
