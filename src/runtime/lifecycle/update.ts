import type { LinuxResources } from '../../oci/runtime-spec.ts';
import { readRecord, writeRecord } from '../state/container-record.ts';
import { deriveStatus } from '../state/status.ts';
import { createCgroupManager } from '../cgroups/manager.ts';
import { PlanBuilder } from '../helper/plan.ts';
import { PLAN_FLAG_NO_PROCESS, MsgType } from '../helper/protocol.ts';
import { addNativeCgroupSteps } from '../plan/cgroup-native-steps.ts';
import { spawnHelper, errorFromHelper } from '../helper/spawn.ts';
import { ConflictError } from '../../lib/errors.ts';
import type { RuntimeContext } from './context.ts';

function merge(into: Record<string, unknown>, from: Record<string, unknown>): Record<string, unknown> {
  for (const [k, v] of Object.entries(from)) {
    if (v !== null && typeof v === 'object' && !Array.isArray(v) && typeof into[k] === 'object' && into[k] !== null && !Array.isArray(into[k])) {
      merge(into[k] as Record<string, unknown>, v as Record<string, unknown>);
    } else {
      into[k] = v;
    }
  }
  return into;
}

// Changes the limits of a live container, as `runc update`: the given fields are written to its
// cgroups and kept in its record (so a later update or exec sees them). A new v2 device program
// is loaded by the helper, which runs no process for it.
export async function updateContainer(ctx: RuntimeContext, id: string, changes: LinuxResources): Promise<void> {
  const record = readRecord(ctx.root, id);
  const status = deriveStatus(ctx.root, record);
  if (status === 'stopped') throw new ConflictError('E_CONTAINER_NOT_RUNNING', `cannot update container "${id}": it is stopped`);
  const manager = createCgroupManager(record.cgroups, { created: record.cgroupsCreated });
  const report = manager.update(changes);
  for (const w of report.warnings) ctx.log.warn(w);
  if (report.native.length > 0) {
    const b = new PlanBuilder();
    b.flags = PLAN_FLAG_NO_PROCESS;
    addNativeCgroupSteps(b, report.native);
    const plan = b.build();
    const helper = spawnHelper(plan);
    for (;;) {
      const m = await helper.channel.next();
      if (m.type === MsgType.ERROR) throw errorFromHelper(plan, m.step, m.errno, m.detail);
      if (m.type === 'eof') break;
    }
    await helper.exit;
  }
  const linux = (record.config.linux ??= {});
  linux.resources = merge((linux.resources ?? {}) as Record<string, unknown>, changes as Record<string, unknown>) as LinuxResources;
  writeRecord(ctx.root, record);
}
