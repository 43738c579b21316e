import { cpSync, existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { UsageError } from '../../lib/errors.ts';
import { secureJoin } from '../../lib/fs/secure-join.ts';
import type { MountPoint } from '../container-types.ts';
import type { ParsedBind } from '../spec/parse-mounts.ts';
import type { VolumeStore } from '../volumes/volume-store.ts';

// The container's mounts with host paths: a named volume becomes its data directory (made on
// first use, and filled from the image when empty, as docker does unless nocopy), a -v bind
// source that does not exist is made as a directory (docker's -v; --mount refuses).
export function prepareMounts(points: ParsedBind[], volumes: VolumeStore, rootfs: string): MountPoint[] {
  return points.map(({ createSource, ...m }): MountPoint => {
    if (m.Type === 'volume') {
      const name = m.Name ?? m.Source;
      const fresh = !volumes.get(name);
      const v = volumes.create(name);
      if (fresh || volumes.isEmpty(name)) {
        const inImage = secureJoin(rootfs, m.Target);
        try {
          if (statSync(inImage).isDirectory() && readdirSync(inImage).length > 0) cpSync(inImage, v.Mountpoint, { recursive: true, preserveTimestamps: true, verbatimSymlinks: true });
        } catch {
          // nothing in the image there
        }
      }
      return { ...m, Source: v.Mountpoint, Name: name };
    }
    if (m.Type === 'bind' && !existsSync(m.Source)) {
      if (!createSource) throw new UsageError(`invalid mount config for type "bind": bind source path does not exist: ${m.Source}`);
      mkdirSync(m.Source, { recursive: true });
    }
    return m;
  });
}
