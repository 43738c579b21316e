// docker load: reads a docker-archive (manifest.json: docker save of any version, skopeo's
// docker-archive) or an OCI image layout archive (index.json), optionally gzip or zstd
// compressed, from a stream. Members are spooled to a temp dir in the content store first
// (archives list their manifest anywhere, often last), then each image is added: blobs verified
// and stored, layers unpacked, tags set.
import { createReadStream, createWriteStream, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { once } from 'node:events';
import { BerthError } from '../../lib/errors.ts';
import { ArchiveError } from './archive-error.ts';
import { parseDigest, digestHex, type Digest } from '../../oci/digest.ts';
import type { ImageIndex, ImageManifest } from '../../oci/image-spec.ts';
import { decompress } from '../content/decompress.ts';
import { chainIds } from '../manifest/chain-id.ts';
import { parseManifest } from '../manifest/parse-manifest.ts';
import { hostPlatform, selectPlatform } from '../manifest/platform.ts';
import { unpackLayer } from '../pull/unpack-layer.ts';
import { familiarString, formatReference, parseReference } from '../reference.ts';
import { addLocalImage, storeLayerBlob } from '../store/add-local-image.ts';
import { commitImage } from '../store/commit-image.ts';
import type { ImageStore } from '../store/image-store.ts';
import type { LayerRecord } from '../store/image-record.ts';


export interface LoadedImage {
  id: Digest;
  tags: string[]; // familiar
}

export async function loadArchive(store: ImageStore, input: AsyncIterable<Uint8Array>): Promise<LoadedImage[]> {
  const { TarReader } = await import('../../storage/index.ts');
  const spool = join(store.blobs.dir, 'ingest', `.load-${process.pid}-${Date.now()}`);
  mkdirSync(spool, { recursive: true });
  try {
    const files = new Map<string, string>();
    let n = 0;
    for await (const entry of new TarReader(decompress(input))) {
      if (entry.type !== 'file') continue;
      const name = entry.name.replace(/^\.\//, '');
      const path = join(spool, String(n++));
      const ws = createWriteStream(path);
      for await (const chunk of entry.body) if (!ws.write(chunk)) await once(ws, 'drain');
      ws.end();
      await once(ws, 'close');
      files.set(name, path);
    }
    if (files.has('manifest.json')) return await loadDocker(store, files);
    if (files.has('index.json')) return await loadOci(store, files);
    throw new ArchiveError('the archive has neither manifest.json (docker-archive) nor index.json (OCI layout)');
  } catch (e) {
    if (e instanceof BerthError) throw e;
    throw new ArchiveError(`reading the archive: ${(e as Error).message}`, { cause: e });
  } finally {
    rmSync(spool, { recursive: true, force: true });
  }
}

function member(files: Map<string, string>, name: string): string {
  const p = files.get(name.replace(/^\.\//, ''));
  if (!p) throw new ArchiveError(`the archive lists "${name}" but does not contain it`);
  return p;
}

async function loadDocker(store: ImageStore, files: Map<string, string>): Promise<LoadedImage[]> {
  let entries: { Config: string; RepoTags?: string[] | null; Layers: string[] }[];
  try {
    entries = JSON.parse(readFileSync(member(files, 'manifest.json'), 'utf8'));
  } catch (e) {
    throw new ArchiveError('manifest.json of the archive is not valid JSON', { cause: e });
  }
  const out: LoadedImage[] = [];
  for (const e of entries) {
    const config = readFileSync(member(files, e.Config));
    const layers = [];
    for (const l of e.Layers) layers.push(await storeLayerBlob(store, createReadStream(member(files, l), { highWaterMark: 1 << 20 })));
    const tags = (e.RepoTags ?? []).map((t) => formatReference(parseReference(t, { defaultTag: true })));
    const record = await addLocalImage(store, { config, layers, tags });
    out.push({ id: record.id, tags: tags.map((t) => familiarString(parseReference(t))) });
  }
  return out;
}

async function copyBlob(store: ImageStore, files: Map<string, string>, digest: Digest): Promise<void> {
  if (store.blobs.has(digest)) return;
  const ingest = store.blobs.ingest(digest);
  if (ingest.offset > 0) ingest.reset();
  try {
    for await (const chunk of createReadStream(member(files, `blobs/sha256/${digestHex(digest)}`), { highWaterMark: 1 << 20 })) ingest.append(chunk as Buffer);
    ingest.commit();
  } catch (e) {
    ingest.discard();
    throw e;
  }
}

async function loadOci(store: ImageStore, files: Map<string, string>): Promise<LoadedImage[]> {
  const index = JSON.parse(readFileSync(member(files, 'index.json'), 'utf8')) as ImageIndex;
  const out: LoadedImage[] = [];
  for (const desc of index.manifests ?? []) {
    const ann = desc.annotations ?? {};
    let name = ann['io.containerd.image.name'];
    const refName = ann['org.opencontainers.image.ref.name'];
    if (!name && refName && /[/:]/.test(refName)) name = refName;
    const tag = name ? formatReference(parseReference(name, { defaultTag: true })) : undefined;
    let mdigest = parseDigest(desc.digest);
    await copyBlob(store, files, mdigest);
    let parsed = parseManifest(store.blobs.read(mdigest), desc.mediaType, `index.json entry ${desc.digest}`);
    let indexDigest: Digest | undefined;
    if (parsed.kind === 'index') {
      indexDigest = mdigest;
      const chosen = selectPlatform(parsed.index, hostPlatform(), `index.json entry ${desc.digest}`);
      mdigest = parseDigest(chosen.digest);
      await copyBlob(store, files, mdigest);
      parsed = parseManifest(store.blobs.read(mdigest), chosen.mediaType, chosen.digest);
      if (parsed.kind !== 'manifest') throw new ArchiveError(`${chosen.digest} in the archive is an index inside an index`);
    }
    const m: ImageManifest = parsed.manifest;
    const configDigest = parseDigest(m.config.digest);
    await copyBlob(store, files, configDigest);
    const config = store.blobs.readJson<{ created?: string; rootfs?: { diff_ids?: string[] } }>(configDigest);
    const diffIds = (config.rootfs?.diff_ids ?? []).map((d) => parseDigest(d));
    if (diffIds.length !== m.layers.length) throw new ArchiveError(`image ${configDigest} lists ${m.layers.length} layers and ${diffIds.length} diff ids`);
    const chains = chainIds(diffIds);
    const layers: LayerRecord[] = [];
    for (let i = 0; i < m.layers.length; i++) {
      const l = m.layers[i]!;
      const d = parseDigest(l.digest);
      await copyBlob(store, files, d);
      const rec: LayerRecord = { digest: d, mediaType: l.mediaType, size: l.size, diffId: diffIds[i]!, chainId: chains[i]!, unpackedSize: 0 };
      if (store.layers) {
        rec.unpackedSize = store.layers.has(rec.chainId) ? (store.layers.get?.(rec.chainId)?.size ?? 0) : await unpackLayer(store.layers, rec, i === 0 ? undefined : chains[i - 1], store.blobs.openRead(d));
      }
      layers.push(rec);
    }
    const { record } = commitImage(store, {
      id: configDigest,
      manifest: mdigest,
      manifestMediaType: parsed.mediaType,
      ...(indexDigest ? { index: indexDigest } : {}),
      layers,
      created: config.created ?? new Date(0).toISOString(),
      tags: tag ? [tag] : [],
    });
    out.push({ id: record.id, tags: tag ? [familiarString(parseReference(tag))] : [] });
  }
  return out;
}
