import { treeTar } from '../../storage/index.ts';
import type { EngineContext } from '../engine-context.ts';
import { withContainerView } from './container-view.ts';

// docker export: the container's whole root filesystem as a tar (its volumes and binds are not
// part of it, as in docker), names relative to "/" ("bin/", "etc/passwd"). The tar goes to
// `sink` while the filesystem is held (mounted for the call when the container is stopped).
export async function exportContainer(ctx: EngineContext, ref: string, sink: (tar: AsyncIterable<Uint8Array>) => Promise<void>): Promise<void> {
  await withContainerView(ctx, ref, { mounts: false }, async (view) => {
    const root = view.resolve('/');
    await sink(treeTar({ dirFd: root.dirFd, name: '.', entryName: '', rootEntry: false }));
  });
}
