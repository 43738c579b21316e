import type { LinuxResources } from '../../oci/runtime-spec.ts';
import { BerthError, ConflictError, UsageError } from '../../lib/errors.ts';
import type { HostConfig, RestartPolicy } from '../container-types.ts';
import type { EngineContext } from '../engine-context.ts';
import { driverFor } from '../runtime-driver/index.ts';
import { NoSuchContainerError } from '../store/container-store.ts';
import { linuxResources } from '../spec/resources.ts';
import { refreshRecord } from './repair.ts';

// What `docker update` may change; a field left out is left as it is.
export interface UpdateRequest {
  Memory?: number;
  MemorySwap?: number;
  MemoryReservation?: number;
  NanoCpus?: number;
  CpuShares?: number;
  CpuPeriod?: number;
  CpuQuota?: number;
  CpusetCpus?: string;
  CpusetMems?: string;
  PidsLimit?: number;
  BlkioWeight?: number;
  RestartPolicy?: RestartPolicy;
}

const MIN_MEMORY = 256 * 1024;

function conflict(message: string): ConflictError {
  return new ConflictError('E_UPDATE_CONFLICT', message);
}

// docker's merge of an update into HostConfig (daemon/container UpdateContainer): --cpus and
// --cpu-period/--cpu-quota exclude each other across updates too; a memory limit above the
// swap limit already set needs --memory-swap with it.
export function mergeUpdate(h: HostConfig, u: UpdateRequest, autoRemove: boolean): HostConfig {
  const n: HostConfig = { ...h };
  if ((u.NanoCpus ?? 0) > 0 && h.CpuPeriod > 0) throw conflict('Conflicting options: Nano CPUs cannot be updated as CPU Period has already been set');
  if ((u.NanoCpus ?? 0) > 0 && h.CpuQuota > 0) throw conflict('Conflicting options: Nano CPUs cannot be updated as CPU Quota has already been set');
  if ((u.CpuPeriod ?? 0) > 0 && h.NanoCpus > 0) throw conflict('Conflicting options: CPU Period cannot be updated as NanoCPUs has already been set');
  if ((u.CpuQuota ?? 0) > 0 && h.NanoCpus > 0) throw conflict('Conflicting options: CPU Quota cannot be updated as NanoCPUs has already been set');
  if (u.NanoCpus !== undefined && u.NanoCpus > 0 && (u.CpuPeriod || u.CpuQuota)) throw conflict('Conflicting options: Nano CPUs and CPU Period cannot both be set');
  if (u.BlkioWeight) {
    if (u.BlkioWeight < 10 || u.BlkioWeight > 1000) throw new UsageError('Range of blkio weight is from 10 to 1000');
    n.BlkioWeight = u.BlkioWeight;
  }
  if (u.CpuShares) n.CpuShares = u.CpuShares;
  if (u.NanoCpus) n.NanoCpus = u.NanoCpus;
  if (u.CpuPeriod) n.CpuPeriod = u.CpuPeriod;
  if (u.CpuQuota) n.CpuQuota = u.CpuQuota;
  if (u.CpusetCpus) n.CpusetCpus = u.CpusetCpus;
  if (u.CpusetMems) n.CpusetMems = u.CpusetMems;
  if (u.Memory) {
    if (u.Memory > 0 && u.Memory < MIN_MEMORY) throw new UsageError('Minimum memory limit allowed is 256KiB');
    if (h.MemorySwap > 0 && u.Memory > h.MemorySwap && !u.MemorySwap) {
      throw conflict('Memory limit should be smaller than already set memoryswap limit, update the memoryswap at the same time');
    }
    n.Memory = u.Memory;
  }
  if (u.MemorySwap) {
    if (u.MemorySwap > 0 && n.Memory > 0 && u.MemorySwap < n.Memory) throw conflict('Minimum memoryswap limit should be larger than memory limit, see usage');
    if (u.MemorySwap > 0 && n.Memory === 0) throw conflict('You should always set the Memory limit when using Memoryswap limit, see usage');
    n.MemorySwap = u.MemorySwap;
  }
  if (u.MemoryReservation) n.MemoryReservation = u.MemoryReservation;
  if (n.MemoryReservation > 0 && n.Memory > 0 && n.MemoryReservation > n.Memory) throw conflict('Minimum memory limit can not be less than memory reservation limit, see usage');
  if (u.PidsLimit !== undefined && u.PidsLimit !== 0) n.PidsLimit = u.PidsLimit < 0 ? -1 : u.PidsLimit;
  if (u.RestartPolicy && u.RestartPolicy.Name !== '') {
    if (autoRemove && u.RestartPolicy.Name !== 'no') throw conflict('Restart policy cannot be updated because AutoRemove is enabled for the container');
    n.RestartPolicy = u.RestartPolicy;
  }
  return n;
}

// The live part of an update: the resource sections the update touched, from the merged
// HostConfig as create would write them (so --memory alone still allows as much swap again).
function liveChanges(after: HostConfig, u: UpdateRequest): LinuxResources {
  const all = linuxResources(after, []);
  const out: LinuxResources = {};
  if (u.Memory || u.MemorySwap || u.MemoryReservation) out.memory = all.memory ?? {};
  if (u.CpuShares || u.NanoCpus || u.CpuPeriod || u.CpuQuota || u.CpusetCpus || u.CpusetMems) out.cpu = all.cpu ?? {};
  if (u.PidsLimit) out.pids = { limit: after.PidsLimit !== null && after.PidsLimit > 0 ? after.PidsLimit : -1 };
  if (u.BlkioWeight) out.blockIO = all.blockIO ?? {};
  return out;
}

// docker update: changes the limits of a running (or paused) container through the runtime
// (its cgroups), and keeps them in HostConfig so the next start applies them; a container that
// is not running only has its record changed. A failed live update changes nothing.
export async function updateContainer(ctx: EngineContext, ref: string, u: UpdateRequest): Promise<void> {
  const found = await refreshRecord(ctx, ctx.store.resolve(ref));
  await ctx.store.withContainerLock(found.Id, async () => {
    const r = ctx.store.get(found.Id);
    if (!r) throw new NoSuchContainerError(ref);
    if (r.State.Status === 'removing' || r.State.Status === 'dead') throw new ConflictError('E_CONTAINER_REMOVING', `Cannot update container ${r.Id}: container is marked for removal and cannot be "update"`);
    let after: HostConfig;
    try {
      after = mergeUpdate(r.HostConfig, u, r.HostConfig.AutoRemove);
    } catch (err) {
      if (err instanceof BerthError) err.wrap(`Cannot update container ${r.Id}`);
      throw err;
    }
    if (r.State.Status === 'running' || r.State.Status === 'paused') {
      const changes = liveChanges(after, u);
      if (Object.keys(changes).length > 0) {
        try {
          await (await driverFor(ctx, r)).update(r.Id, changes);
        } catch (err) {
          if (err instanceof BerthError) err.wrap(`Cannot update container ${r.Id}`);
          throw err;
        }
      }
    }
    r.HostConfig = after;
    ctx.store.put(r);
  });
}
