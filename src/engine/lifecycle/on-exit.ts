import { removeContainer } from './remove.ts';
import { startContainer } from './start.ts';
import { markExited, readExitFile, releaseResources, restartDelayMs, shouldRestart } from './cleanup.ts';
import type { EngineContext } from '../engine-context.ts';
import { driverFor } from '../runtime-driver/index.ts';
import { cgroupsPath } from '../paths.ts';
import { mark } from '../../lib/trace.ts';

// The monitor's exit command (`berth container cleanup <id>`): runs when the container's process
// has exited, with no other berth command necessarily running. Records the exit, releases the
// mount and cgroups, then applies --rm or the restart policy.
export async function onContainerExit(ctx: EngineContext, id: string): Promise<void> {
  mark('exit: recording');
  const restart = await ctx.store.withContainerLock(id, async () => {
    const record = ctx.store.get(id);
    if (!record) return false;
    if (record.State.Status !== 'running' && record.State.Status !== 'paused' && record.State.Status !== 'restarting') return false;
    const exit = readExitFile(ctx, id);
    // read before the cgroup goes with the runtime's container
    const oomKilled = (await (await driverFor(ctx, record)).oomKillCount(id, cgroupsPath(id))) > 0;
    await releaseResources(ctx, record);
    markExited(record, exit, oomKilled);
    const again = shouldRestart(record);
    if (again) {
      record.State.Status = 'restarting';
      record.State.Restarting = true;
    }
    const remove = !again && record.HostConfig.AutoRemove;
    ctx.store.put(record, { sync: !remove });
    if (remove) await removeContainer(ctx, id, { force: true, volumes: true, locked: true });
    return again;
  });
  if (!restart) return;
  // an rm -f may have removed it since the lock was let go
  const record = ctx.store.get(id);
  if (!record) return;
  await new Promise((r) => setTimeout(r, restartDelayMs(record)));
  await ctx.store.withContainerLock(id, async () => {
    const fresh = ctx.store.get(id);
    // stopped or removed while we waited
    if (!fresh || fresh.State.Status !== 'restarting' || fresh.Berth.manuallyStopped) return;
    fresh.RestartCount += 1;
    ctx.store.put(fresh);
    try {
      await startContainer(ctx, id);
    } catch (err) {
      ctx.log.error(`restarting container ${id}: ${(err as Error).message}`);
      const failed = ctx.store.get(id);
      if (failed) {
        failed.State.Status = 'exited';
        failed.State.Restarting = false;
        ctx.store.put(failed);
      }
    }
  });
}
