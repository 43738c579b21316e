// docker save: one tar holding images, as a stream.
//
// docker-archive (the default) is what docker 25 writes, which is both formats at once:
//   manifest.json, repositories            (docker's legacy index: what `docker load` reads)
//   oci-layout, index.json, blobs/sha256/* (an OCI image layout)
// with layers uncompressed (their digests are their diff ids), as docker writes them.
//
// oci-archive is an OCI image layout with the blobs exactly as stored (compressed layers, the
// original manifests), so digests survive a save and load.
import { decompress } from '../content/decompress.ts';
import { MediaType, type ImageManifest } from '../../oci/image-spec.ts';
import { digestHex, sha256Digest, type Digest } from '../../oci/digest.ts';
import { InternalError } from '../../lib/errors.ts';
import { familiarName, familiarString, parseReference } from '../reference.ts';
import type { ImageStore } from '../store/image-store.ts';
import type { ImageRecord } from '../store/image-record.ts';
import type { TarWriter } from '../../storage/index.ts';

export interface SaveItem {
  record: ImageRecord;
  tags: string[]; // full references to write for it
}

const DIR = { type: 'dir' as const, mode: 0o755, mtime: 0 };
const file = (name: string, size: number) => ({ name, type: 'file' as const, size, mode: 0o644, mtime: 0 });

async function uncompressedSize(store: ImageStore, digest: Digest): Promise<number> {
  let n = 0;
  for await (const c of decompress(store.blobs.openRead(digest))) n += c.length;
  return n;
}

export async function writeDockerArchive(w: TarWriter, store: ImageStore, items: SaveItem[]): Promise<void> {
  await w.add({ name: 'blobs/', ...DIR });
  await w.add({ name: 'blobs/sha256/', ...DIR });
  const written = new Set<string>();
  const manifestJson: { Config: string; RepoTags: string[]; Layers: string[] }[] = [];
  const repositories: Record<string, Record<string, string>> = {};
  const index: { mediaType: string; digest: string; size: number; annotations?: Record<string, string> }[] = [];
  for (const { record, tags } of items) {
    const config = store.blobs.read(record.id);
    if (!written.has(record.id)) {
      await w.add(file(`blobs/sha256/${digestHex(record.id)}`, config.length), config);
      written.add(record.id);
    }
    const layerPaths: string[] = [];
    const ociLayers = [];
    for (const l of record.layers) {
      const path = `blobs/sha256/${digestHex(l.diffId)}`;
      layerPaths.push(path);
      if (!written.has(l.diffId)) {
        const size = l.diffSize ?? (l.mediaType === MediaType.ociLayer || l.mediaType === MediaType.dockerLayer ? l.size : await uncompressedSize(store, l.digest));
        await w.add(file(path, size), decompress(store.blobs.openRead(l.digest)));
        written.add(l.diffId);
        ociLayers.push({ mediaType: MediaType.ociLayer, digest: l.diffId, size });
      } else {
        ociLayers.push({ mediaType: MediaType.ociLayer, digest: l.diffId, size: l.diffSize ?? 0 });
      }
    }
    const manifest: ImageManifest = {
      schemaVersion: 2,
      mediaType: MediaType.ociManifest,
      config: { mediaType: MediaType.ociConfig, digest: record.id, size: config.length },
      layers: ociLayers,
    };
    const mbytes = Buffer.from(JSON.stringify(manifest));
    const mdigest = sha256Digest(mbytes);
    if (!written.has(mdigest)) {
      await w.add(file(`blobs/sha256/${digestHex(mdigest)}`, mbytes.length), mbytes);
      written.add(mdigest);
    }
    const familiar = tags.map((t) => familiarString(parseReference(t)));
    manifestJson.push({ Config: `blobs/sha256/${digestHex(record.id)}`, RepoTags: familiar, Layers: layerPaths });
    for (const t of tags) {
      const r = parseReference(t);
      (repositories[familiarName(r)] ??= {})[r.tag ?? 'latest'] = digestHex(record.layers[record.layers.length - 1]?.diffId ?? record.id);
      index.push({ mediaType: MediaType.ociManifest, digest: mdigest, size: mbytes.length, annotations: { 'io.containerd.image.name': t, 'org.opencontainers.image.ref.name': r.tag ?? 'latest' } });
    }
    if (tags.length === 0) index.push({ mediaType: MediaType.ociManifest, digest: mdigest, size: mbytes.length });
  }
  const layout = Buffer.from('{"imageLayoutVersion":"1.0.0"}');
  await w.add(file('oci-layout', layout.length), layout);
  const idx = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MediaType.ociIndex, manifests: index }));
  await w.add(file('index.json', idx.length), idx);
  const mj = Buffer.from(JSON.stringify(manifestJson));
  await w.add(file('manifest.json', mj.length), mj);
  if (Object.keys(repositories).length > 0) {
    const rj = Buffer.from(JSON.stringify(repositories));
    await w.add(file('repositories', rj.length), rj);
  }
  await w.finish();
}

// The archive as a byte stream: docker-archive (default) or oci-archive.
export async function saveArchive(store: ImageStore, items: SaveItem[], format: 'docker-archive' | 'oci-archive'): Promise<{ stream: AsyncIterable<Uint8Array>; done: Promise<void> }> {
  const { TarWriter } = await import('../../storage/index.ts');
  const w = new TarWriter();
  const done = (format === 'oci-archive' ? writeOciArchive : writeDockerArchive)(w, store, items).catch((e: unknown) => {
    w.abort(e as Error);
    throw e;
  });
  return { stream: w, done };
}

export async function writeOciArchive(w: TarWriter, store: ImageStore, items: SaveItem[]): Promise<void> {
  await w.add({ name: 'blobs/', ...DIR });
  await w.add({ name: 'blobs/sha256/', ...DIR });
  const written = new Set<string>();
  const addBlob = async (d: Digest): Promise<number> => {
    const size = store.blobs.size(d);
    if (size === undefined) throw new InternalError(`blob ${d} of an image being saved is missing from the store`);
    if (!written.has(d)) {
      await w.add(file(`blobs/sha256/${digestHex(d)}`, size), store.blobs.openRead(d));
      written.add(d);
    }
    return size;
  };
  const index: { mediaType: string; digest: string; size: number; annotations?: Record<string, string> }[] = [];
  for (const { record, tags } of items) {
    for (const l of record.layers) await addBlob(l.digest);
    await addBlob(record.id);
    const size = await addBlob(record.manifest);
    for (const t of tags) {
      const r = parseReference(t);
      index.push({ mediaType: record.manifestMediaType, digest: record.manifest, size, annotations: { 'io.containerd.image.name': t, 'org.opencontainers.image.ref.name': r.tag ?? 'latest' } });
    }
    if (tags.length === 0) index.push({ mediaType: record.manifestMediaType, digest: record.manifest, size });
  }
  const layout = Buffer.from('{"imageLayoutVersion":"1.0.0"}');
  await w.add(file('oci-layout', layout.length), layout);
  const idx = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MediaType.ociIndex, manifests: index }));
  await w.add(file('index.json', idx.length), idx);
  await w.finish();
}
