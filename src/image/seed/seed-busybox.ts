// Builds busybox:latest from a static busybox binary into a store, with no network: what
// install.sh runs so that a first container needs no registry.
import { statSync } from 'node:fs';
import { createGzip } from 'node:zlib';
import { Readable } from 'node:stream';
import { NotFoundError } from '../../lib/errors.ts';
import { hostPlatform } from '../manifest/platform.ts';
import { addLocalImage, storeLayerBlob } from '../store/add-local-image.ts';
import type { ImageStore } from '../store/image-store.ts';
import type { ImageRecord } from '../store/image-record.ts';
import { writeBusyboxLayer } from './busybox-layer.ts';

export const BUSYBOX_REFERENCE = 'docker.io/library/busybox:latest';

export async function seedBusybox(store: ImageStore, busybox = '/bin/busybox', reference = BUSYBOX_REFERENCE): Promise<ImageRecord> {
  let st;
  try {
    st = statSync(busybox);
  } catch (e) {
    throw new NotFoundError('E_NO_BUSYBOX', `${busybox} not found: install Debian's busybox-static`, { cause: e });
  }
  const { TarWriter } = await import('../../storage/index.ts');
  const w = new TarWriter();
  const writing = writeBusyboxLayer(w, busybox).catch((e: unknown) => {
    w.abort(e as Error);
    throw e;
  });
  const gz = Readable.from(w).pipe(createGzip({ level: 9 }));
  const [layer] = await Promise.all([storeLayerBlob(store, gz), writing]);
  const created = new Date(Math.floor(st.mtimeMs)).toISOString();
  const p = hostPlatform();
  return addLocalImage(store, {
    config: {
      created,
      architecture: p.architecture,
      os: 'linux',
      ...(p.variant ? { variant: p.variant } : {}),
      config: { Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'], Cmd: ['sh'] },
      rootfs: { type: 'layers', diff_ids: [] },
      history: [
        { created, created_by: `berth seed: ${busybox} (Debian busybox-static) with its applet links`, comment: 'offline busybox image' },
        { created, created_by: 'CMD ["sh"]', empty_layer: true },
      ],
    },
    layers: [layer],
    tags: [reference],
    source: 'docker.io/library/busybox',
  });
}
