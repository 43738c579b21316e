import { Op, Stage } from '../helper/protocol.ts';
import type { PlanBuilder } from '../helper/plan.ts';
import type { CgroupDir } from '../cgroups/placement.ts';
import { O } from './linux-constants.ts';

// The child joins its cgroups before it runs anything: born in its cgroup v2 directory through
// clone3(CLONE_INTO_CGROUP) where the kernel allows it, moved into every v1 hierarchy (and into
// v2, if clone3 could not do it) by the parent writing its pid.
export function addCgroupEntry(b: PlanBuilder, cgroups: CgroupDir[], what: (dir: string) => string): void {
  for (const c of cgroups) {
    const procs = `${c.path}/cgroup.procs`;
    if (c.version === 2 && b.cgroupSlot < 0) {
      const slot = b.slot();
      b.add(Stage.PARENT_PRE, Op.OPEN, what(c.path), [slot, O.RDONLY | O.DIRECTORY, 0], [c.path]);
      b.cgroupSlot = slot;
      b.add(Stage.PARENT_MAP, Op.CGROUP_ENTER, what(procs), [1], [procs]);
    } else {
      b.add(Stage.PARENT_MAP, Op.CGROUP_ENTER, what(procs), [0], [procs]);
    }
  }
}
