import { ContainerStore } from '../../engine/index.ts';
import type { ImageUsers } from '../../image/image-users.ts';
import type { Digest } from '../../oci/digest.ts';
import type { CliContext } from '../cli-context.ts';

// The containers of this store as users of images (rmi, image prune, system df).
export function imageUsersFor(ctx: CliContext): ImageUsers {
  const containers = new ContainerStore({ root: ctx.root, runroot: ctx.runroot }).list();
  const layers = new Set<string>();
  for (const c of containers) for (const l of c.Berth?.layers ?? []) layers.add(l);
  return {
    of: (image: Digest) => containers.filter((c) => c.Image === image).map((c) => ({ id: c.Id, running: c.State.Running })),
    layers,
  };
}
