// docker import: a root filesystem tarball (plain, gzip or zstd) becomes a one-layer image, its
// config made from --change instructions and --message, for this host's platform.
import type { ImageConfig } from '../oci/image-spec.ts';
import { hostPlatform } from './manifest/platform.ts';
import { formatReference, parseReference } from './reference.ts';
import { applyChanges } from './apply-changes.ts';
import { addLocalImage, storeLayerBlob } from './store/add-local-image.ts';
import type { ImageStore } from './store/image-store.ts';
import type { ImageRecord } from './store/image-record.ts';

export interface ImportOptions {
  source: AsyncIterable<Uint8Array>;
  sourceName: string;       // "-" or the file name, for the history comment
  reference?: string;
  changes?: string[];
  message?: string;
  platform?: { os: string; architecture: string; variant?: string };
}

export async function importTarball(store: ImageStore, o: ImportOptions): Promise<ImageRecord> {
  const tag = o.reference ? formatReference(parseReference(o.reference, { defaultTag: true })) : undefined;
  const run = applyChanges({}, o.changes ?? []);
  const layer = await storeLayerBlob(store, o.source);
  const created = new Date().toISOString();
  const p = o.platform ?? hostPlatform();
  const config: ImageConfig = {
    created,
    architecture: p.architecture,
    os: p.os,
    ...(p.variant ? { variant: p.variant } : {}),
    config: run,
    rootfs: { type: 'layers', diff_ids: [] },
    history: [{ created, created_by: '', comment: o.message ?? `Imported from ${o.sourceName}` }],
  };
  return addLocalImage(store, { config, layers: [layer], tags: tag ? [tag] : [] });
}
