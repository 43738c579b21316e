// Opens the store under a root (--root, BERTH_ROOT, default /var/lib/berth). The layer store
// (src/storage, which loads koffi) is loaded only by the commands that unpack or remove layers.
import { join } from 'node:path';
import { ImageStore } from './image-store.ts';

export const DEFAULT_ROOT = '/var/lib/berth';

export function storageRoot(root: string): string {
  return join(root, 'storage');
}

export async function openImageStore(root: string, o: { layers?: boolean } = {}): Promise<ImageStore> {
  if (!o.layers) return new ImageStore({ root });
  const { openLayerStore } = await import('../../storage/index.ts');
  const layers = openLayerStore(storageRoot(root));
  // what a killed writer left: incomplete layers, temp files of dead processes
  layers.repair();
  const store = new ImageStore({ root, layers });
  store.blobs.removeStaleTemps();
  return store;
}
