import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { applyChanges } from '../../image/apply-changes.ts';
import { readConfig } from '../../image/list-images.ts';
import { formatReference, parseReference } from '../../image/reference.ts';
import { addLocalImage, storeLayerBlob, type StoredLayer } from '../../image/store/add-local-image.ts';
import { openImageStore } from '../../image/store/open-image-store.ts';
import type { ImageConfig, ImageRunConfig } from '../../oci/image-spec.ts';
import type { Digest } from '../../oci/digest.ts';
import { NotFoundError } from '../../lib/errors.ts';
import { changes, diffTar, encodeTarHeader, TarReader } from '../../storage/index.ts';
import type { ContainerRecord } from '../container-types.ts';
import type { EngineContext } from '../engine-context.ts';
import { driverFor } from '../runtime-driver/index.ts';
import { rwDir } from '../paths.ts';
import { refreshRecord } from '../lifecycle/repair.ts';
import { stubPaths } from '../fs/mount-stubs.ts';

export interface CommitOptions {
  reference?: string;
  message?: string;
  author?: string;
  // Dockerfile instructions applied to the new image's config (--change)
  changes?: string[];
  // freeze the container while its layer is read (docker's default)
  pause: boolean;
}

// sha256 of an empty tar (two zero blocks): a commit without changes adds no layer, as docker's
export const EMPTY_LAYER_DIFF_ID = 'sha256:5f70bf18a086007016e948b04aed3b82103a36bea41755b6cddfaf10ace3c6ef';

// The container's changes as a layer tar, without the mount points the runtime made.
async function* layerTar(rw: string): AsyncGenerator<Uint8Array> {
  if (!existsSync(join(rw, 'mount.json'))) {
    yield Buffer.alloc(1024);
    return;
  }
  const drop = stubPaths(changes({ rwDir: rw }));
  if (drop.size === 0) {
    yield* diffTar({ rwDir: rw });
    return;
  }
  for await (const e of new TarReader(diffTar({ rwDir: rw }))) {
    if (drop.has(`/${e.name.replace(/\/$/, '')}`)) continue;
    const { body, readAll, ...header } = e;
    void readAll;
    yield encodeTarHeader(header);
    let size = 0;
    for await (const chunk of body) {
      size += chunk.length;
      yield Buffer.from(chunk);
    }
    if (size % 512) yield Buffer.alloc(512 - (size % 512));
  }
  yield Buffer.alloc(1024);
}

// The fields of the container's config that an image carries, with --change applied on top.
function imageRunConfig(r: ContainerRecord, base: ImageRunConfig, changeList: string[]): ImageRunConfig {
  const c = r.Config;
  const run: ImageRunConfig = {
    ...(c.User ? { User: c.User } : {}),
    ...(c.ExposedPorts ? { ExposedPorts: c.ExposedPorts } : {}),
    Env: c.Env,
    ...(c.Entrypoint ? { Entrypoint: c.Entrypoint } : {}),
    Cmd: c.Cmd,
    ...(c.Volumes ? { Volumes: c.Volumes } : {}),
    WorkingDir: c.WorkingDir,
    ...(Object.keys(c.Labels).length > 0 ? { Labels: c.Labels } : {}),
    ...(c.StopSignal ? { StopSignal: c.StopSignal } : {}),
    ...(c.Healthcheck ? { Healthcheck: c.Healthcheck } : {}),
    ...(base.OnBuild ? { OnBuild: base.OnBuild } : {}),
    ...(base.Shell ? { Shell: base.Shell } : {}),
  };
  return applyChanges(run, changeList);
}

// docker commit: the container's writable layer on top of its image's layers, as a new image
// whose config is the container's (Cmd, Env, ...) with --change applied, and a history entry
// naming the command, the author and the message. A running container is paused while its
// layer is read, unless pause is false. Returns the new image's id.
export async function commitContainer(ctx: EngineContext, ref: string, o: CommitOptions): Promise<string> {
  const r = await refreshRecord(ctx, ctx.store.resolve(ref));
  const tag = o.reference ? formatReference(parseReference(o.reference, { defaultTag: true })) : undefined;
  const store = await openImageStore(ctx.paths.root, { layers: true });
  const base = store.get(r.Image as Digest);
  if (!base) throw new NotFoundError('E_NO_SUCH_IMAGE', `the image ${r.Image} of container ${r.Name.slice(1)} is no longer in the store`);
  const baseConfig = readConfig(store, base);
  const run = imageRunConfig(r, baseConfig.config ?? {}, o.changes ?? []);
  const driver = await driverFor(ctx, r);
  const pause = o.pause && r.State.Status === 'running';
  if (pause) await driver.pause(r.Id);
  let layer: StoredLayer;
  try {
    layer = await storeLayerBlob(store, layerTar(rwDir(ctx.paths, r.Id)));
  } finally {
    if (pause) await driver.resume(r.Id).catch(() => {});
  }
  const empty = layer.diffId === EMPTY_LAYER_DIFF_ID;
  const created = new Date().toISOString();
  const config: ImageConfig = {
    created,
    ...(o.author ? { author: o.author } : {}),
    architecture: baseConfig.architecture,
    os: baseConfig.os,
    ...(baseConfig.variant ? { variant: baseConfig.variant } : {}),
    config: run,
    rootfs: { type: 'layers', diff_ids: [] },
    history: [
      ...(baseConfig.history ?? []),
      {
        created,
        created_by: (r.Config.Cmd ?? []).join(' '),
        ...(o.author ? { author: o.author } : {}),
        ...(o.message ? { comment: o.message } : {}),
        ...(empty ? { empty_layer: true } : {}),
      },
    ],
    container: r.Id,
    ...(o.message ? { comment: o.message } : {}),
  };
  const layers: StoredLayer[] = base.layers.map((l) => ({ digest: l.digest, size: l.size, diffId: l.diffId, diffSize: l.diffSize ?? l.unpackedSize, mediaType: l.mediaType }));
  if (!empty) layers.push(layer);
  const image = await addLocalImage(store, { config, layers, tags: tag ? [tag] : [] });
  return image.id;
}
