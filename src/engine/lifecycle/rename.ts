import { UsageError } from '../../lib/errors.ts';
import type { EngineContext } from '../engine-context.ts';
import { NoSuchContainerError } from '../store/container-store.ts';

// docker rename: the new name is claimed under the store lock, so two renames (or a create) can
// never give two containers one name; the container's own lock is taken first (the order rm
// uses), so a state change written meanwhile is not lost. Works in any state.
export async function renameContainer(ctx: EngineContext, ref: string, newName: string): Promise<void> {
  if (!ref || !newName) throw new UsageError('Neither old nor new names may be empty');
  const id = ctx.store.resolve(ref).Id;
  await ctx.store.withContainerLock(id, async () => {
    ctx.store.withStoreLock(() => {
      const r = ctx.store.get(id);
      if (!r) throw new NoSuchContainerError(ref);
      const name = newName.startsWith('/') ? newName : `/${newName}`;
      if (r.Name === name) throw new UsageError('Renaming a container with the same name as its current name');
      ctx.store.checkNameFree(newName, r.Id);
      r.Name = name;
      ctx.store.put(r);
    });
  });
}
