import { updateContainer, type UpdateRequest } from '../../engine/workflow.ts';
import { BerthError, UsageError } from '../../lib/errors.ts';
import { parseBytes } from '../../lib/units.ts';
import type { CliContext } from '../cli-context.ts';
import { err } from '../render/output.ts';
import { engineFor } from './engine-for.ts';
import { eachTarget } from './daemon-error.ts';

const int = (v: string, flag: string): number => {
  if (!/^-?\d+$/.test(v)) throw new UsageError(`invalid argument "${v}" for "${flag}" flag: strconv.ParseInt: parsing "${v}": invalid syntax`);
  return Number(v);
};

// The flags as docker reads them: a value of 0 (or none) leaves the field as it is.
export function updateRequest(o: Record<string, unknown>): UpdateRequest {
  const s = (k: string): string | undefined => o[k] as string | undefined;
  const u: UpdateRequest = {};
  if (s('memory') !== undefined) u.Memory = parseBytes(s('memory')!, '--memory');
  if (s('memorySwap') !== undefined) u.MemorySwap = parseBytes(s('memorySwap')!, '--memory-swap');
  if (s('memoryReservation') !== undefined) u.MemoryReservation = parseBytes(s('memoryReservation')!, '--memory-reservation');
  if (s('cpus') !== undefined) {
    const v = s('cpus')!;
    if (!/^\d+(\.\d+)?$/.test(v)) throw new UsageError(`invalid argument "${v}" for "--cpus" flag: failed to parse ${v} as a rational number`);
    u.NanoCpus = Math.round(Number(v) * 1e9);
  }
  if (s('cpuShares') !== undefined) u.CpuShares = int(s('cpuShares')!, '-c, --cpu-shares');
  if (s('cpuPeriod') !== undefined) u.CpuPeriod = int(s('cpuPeriod')!, '--cpu-period');
  if (s('cpuQuota') !== undefined) u.CpuQuota = int(s('cpuQuota')!, '--cpu-quota');
  if (s('cpusetCpus') !== undefined) u.CpusetCpus = s('cpusetCpus')!;
  if (s('cpusetMems') !== undefined) u.CpusetMems = s('cpusetMems')!;
  if (s('pidsLimit') !== undefined) u.PidsLimit = int(s('pidsLimit')!, '--pids-limit');
  if (s('blkioWeight') !== undefined) {
    const w = int(s('blkioWeight')!, '--blkio-weight');
    if (w < 0 || w > 65535) throw new UsageError(`invalid argument "${s('blkioWeight')}" for "--blkio-weight" flag: value out of range`);
    u.BlkioWeight = w;
  }
  if (s('restart') !== undefined && s('restart') !== '') {
    const m = /^(no|always|unless-stopped|on-failure)(?::(\d+))?$/.exec(s('restart')!);
    if (!m || (m[2] !== undefined && m[1] !== 'on-failure')) throw new BerthError('E_INVALID_RESTART_POLICY', `invalid restart policy format: ${s('restart')}`);
    u.RestartPolicy = { Name: m[1] as NonNullable<UpdateRequest['RestartPolicy']>['Name'], MaximumRetryCount: m[2] ? Number(m[2]) : 0 };
  }
  return u;
}

const FLAGS = ['memory', 'memorySwap', 'memoryReservation', 'cpus', 'cpuShares', 'cpuPeriod', 'cpuQuota', 'cpusetCpus', 'cpusetMems', 'pidsLimit', 'blkioWeight', 'restart'];

// docker update: each container's limits changed (live when it runs), its name printed.
export async function updateCommand(ctx: CliContext, refs: string[], o: Record<string, unknown>): Promise<number> {
  if (!FLAGS.some((f) => o[f] !== undefined)) {
    err('Error: you must provide one or more flags when using this command\n');
    return 1;
  }
  const u = updateRequest(o);
  const engine = engineFor(ctx);
  return eachTarget(refs, (ref) => updateContainer(engine, ref, u));
}
