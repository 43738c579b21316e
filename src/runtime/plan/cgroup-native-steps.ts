import type { NativeCgroupStep } from '../cgroups/controller.ts';
import type { PlanBuilder } from '../helper/plan.ts';
import { Op, Stage } from '../helper/protocol.ts';

// What the cgroup manager could not do itself (CgroupManager.apply's report.native) as helper
// steps. The v2 device program belongs in PARENT_PRE at create: the cgroup exists and nothing
// has joined it yet, so the container never runs without its device policy. For `update` the
// same step goes in a plan of its own.
export function addNativeCgroupSteps(b: PlanBuilder, steps: readonly NativeCgroupStep[], stage: Stage = Stage.PARENT_PRE): void {
  for (const s of steps) {
    b.add(stage, Op.BPF_DEVICES, `linux.resources.devices (the device program of cgroup "${s.dir}")`, [], [s.dir, s.program, s.license]);
  }
}
