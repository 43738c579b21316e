import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { mountRootfs, openLayerStore, RootfsView, unmountRootfs, type ViewMount } from '../../storage/index.ts';
import type { ContainerRecord } from '../container-types.ts';
import type { EngineContext } from '../engine-context.ts';
import { rwDir } from '../paths.ts';
import { refreshRecord } from '../lifecycle/repair.ts';
import { NoSuchContainerError } from '../store/container-store.ts';
import { VolumeStore } from '../volumes/volume-store.ts';

const isLive = (r: ContainerRecord): boolean => r.State.Status === 'running' || r.State.Status === 'paused';

// The container's mounts that have a host side: binds, volumes (by their data directory, also
// before the first start) and the /etc files berth writes. tmpfs mounts exist only inside the
// container and are not seen (nor by docker cp).
export function viewMounts(ctx: EngineContext, r: ContainerRecord): ViewMount[] {
  const volumes = new VolumeStore(ctx.paths);
  const out: ViewMount[] = [];
  for (const m of r.Berth.mounts) {
    if (m.Type === 'tmpfs') continue;
    const source = m.Type === 'volume' ? volumes.get(m.Name ?? m.Source)?.Mountpoint : m.Source;
    if (source) out.push({ target: m.Target, source, readOnly: m.ReadOnly });
  }
  for (const [target, source] of [['/etc/resolv.conf', r.ResolvConfPath], ['/etc/hostname', r.HostnamePath], ['/etc/hosts', r.HostsPath]] as const) {
    if (source && existsSync(source) && !out.some((m) => m.target === target)) out.push({ target, source, readOnly: false });
  }
  return out;
}

export interface ViewOptions {
  // the container's own volumes and binds are part of the view (cp), or only its rootfs (export)
  mounts: boolean;
}

// Runs fn with the container's filesystem as a RootfsView. A running container's rootfs is its
// live mount; a stopped one is mounted for the call and unmounted after, holding the
// container's lock throughout so that a start cannot take the mount from under us.
export async function withContainerView<T>(ctx: EngineContext, ref: string, o: ViewOptions, fn: (view: RootfsView, r: ContainerRecord) => Promise<T>): Promise<T> {
  const found = await refreshRecord(ctx, ctx.store.resolve(ref));
  const rw = rwDir(ctx.paths, found.Id);
  const open = (r: ContainerRecord): RootfsView => new RootfsView(join(rw, 'rootfs'), o.mounts ? viewMounts(ctx, r) : [], { readOnly: r.HostConfig.ReadonlyRootfs });
  if (isLive(found)) {
    const view = open(found);
    try {
      return await fn(view, found);
    } finally {
      view.close();
    }
  }
  return ctx.store.withContainerLock(found.Id, async () => {
    const r = ctx.store.get(found.Id);
    if (!r) throw new NoSuchContainerError(ref);
    if (isLive(r)) {
      // started while we waited for the lock
      const view = open(r);
      try {
        return await fn(view, r);
      } finally {
        view.close();
      }
    }
    const store = openLayerStore(join(ctx.paths.root, 'storage'));
    await mountRootfs({ store, layers: r.Berth.layers, rwDir: rw });
    try {
      const view = open(r);
      try {
        return await fn(view, r);
      } finally {
        view.close();
      }
    } finally {
      await unmountRootfs(rw);
    }
  });
}
