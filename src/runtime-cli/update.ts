import { readFileSync } from 'node:fs';
import type { LinuxResources } from '../oci/runtime-spec.ts';
import { updateContainer } from '../runtime/lifecycle/update.ts';
import type { RuntimeContext } from '../runtime/lifecycle/context.ts';
import { InvalidConfigError, UsageError } from '../lib/errors.ts';
import { parseBytes } from '../lib/units.ts';

export interface UpdateFlags {
  resources?: string;
  memory?: string;
  memorySwap?: string;
  memoryReservation?: string;
  cpuShares?: string;
  cpuQuota?: string;
  cpuPeriod?: string;
  cpuRtRuntime?: string;
  cpuRtPeriod?: string;
  cpusetCpus?: string;
  cpusetMems?: string;
  pidsLimit?: string;
  blkioWeight?: string;
}

function int(v: string, flag: string, min = -1): number {
  if (!/^-?\d+$/.test(v) || Number(v) < min) throw new UsageError(`invalid value "${v}" for ${flag}: expected an integer${min >= 0 ? ` of at least ${min}` : ''}`);
  return Number(v);
}

// runc update's flags -> the LinuxResources fields they change; -r gives a whole document.
export function resourcesFromFlags(o: UpdateFlags): LinuxResources {
  let r: LinuxResources = {};
  if (o.resources) {
    const text = readFileSync(o.resources === '-' ? 0 : o.resources, 'utf8');
    try {
      r = JSON.parse(text) as LinuxResources;
    } catch (err) {
      throw new InvalidConfigError('', `--resources "${o.resources}" is not valid JSON: ${(err as Error).message}`);
    }
  }
  const memory = (r.memory ??= {});
  if (o.memory !== undefined) memory.limit = parseBytes(o.memory, '--memory');
  if (o.memorySwap !== undefined) memory.swap = parseBytes(o.memorySwap, '--memory-swap');
  if (o.memoryReservation !== undefined) memory.reservation = parseBytes(o.memoryReservation, '--memory-reservation');
  if (Object.keys(memory).length === 0) delete r.memory;
  const cpu = (r.cpu ??= {});
  if (o.cpuShares !== undefined) cpu.shares = int(o.cpuShares, '--cpu-shares', 2);
  if (o.cpuQuota !== undefined) cpu.quota = int(o.cpuQuota, '--cpu-quota');
  if (o.cpuPeriod !== undefined) cpu.period = int(o.cpuPeriod, '--cpu-period', 1000);
  if (o.cpuRtRuntime !== undefined) cpu.realtimeRuntime = int(o.cpuRtRuntime, '--cpu-rt-runtime');
  if (o.cpuRtPeriod !== undefined) cpu.realtimePeriod = int(o.cpuRtPeriod, '--cpu-rt-period', 0);
  if (o.cpusetCpus !== undefined) cpu.cpus = o.cpusetCpus;
  if (o.cpusetMems !== undefined) cpu.mems = o.cpusetMems;
  if (Object.keys(cpu).length === 0) delete r.cpu;
  if (o.pidsLimit !== undefined) r.pids = { limit: int(o.pidsLimit, '--pids-limit') };
  if (o.blkioWeight !== undefined) r.blockIO = { ...r.blockIO, weight: int(o.blkioWeight, '--blkio-weight', 10) };
  if (Object.keys(r).length === 0) throw new UsageError('update needs at least one limit to change (see --help)');
  return r;
}

export async function updateCommand(ctx: RuntimeContext, id: string, o: UpdateFlags): Promise<void> {
  await updateContainer(ctx, id, resourcesFromFlags(o));
}
