import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { changes, type Change } from '../../storage/index.ts';
import type { EngineContext } from '../engine-context.ts';
import { rwDir } from '../paths.ts';
import { stubPaths } from './mount-stubs.ts';

// docker diff: the container's changes against its image (A added, C changed, D deleted), read
// from its writable layer, which exists once it has been started; a container that never ran
// has none.
export function containerChanges(ctx: EngineContext, ref: string): Change[] {
  const r = ctx.store.resolve(ref);
  const rw = rwDir(ctx.paths, r.Id);
  if (!existsSync(join(rw, 'mount.json'))) return [];
  const all = changes({ rwDir: rw });
  const drop = stubPaths(all);
  return all.filter((c) => !drop.has(c.path));
}
