import { Op, Stage } from '../helper/protocol.ts';
import type { PlanBuilder } from '../helper/plan.ts';
import type { CgroupDir } from '../cgroups/placement.ts';
import { O } from './linux-constants.ts';

// The child joins its cgroups before it runs anything:
// - cgroup v2: born in its directory through clone3(CLONE_INTO_CGROUP) where the kernel allows it;
// - cgroup v1, when the child starts as root of the host's user namespace (`selfJoinV1`: no new
//   user namespace at its clone, a root runtime): it moves itself, writing "0" to each
//   hierarchy's `tasks` as its first steps. The kernel moves the calling thread without the
//   global lock whose first taking waits out an RCU grace period: 0.05 ms instead of 10-19 ms
//   on this project's hybrid development machine, for every container;
// - otherwise the parent writes the child's pid to cgroup.procs (and the kernel waits).
export function addCgroupEntry(b: PlanBuilder, cgroups: CgroupDir[], what: (dir: string) => string, o: { selfJoinV1: boolean }): void {
  for (const c of cgroups) {
    const procs = `${c.path}/cgroup.procs`;
    if (c.version === 2 && b.cgroupSlot < 0) {
      const slot = b.slot();
      b.add(Stage.PARENT_PRE, Op.OPEN, what(c.path), [slot, O.RDONLY | O.DIRECTORY, 0], [c.path]);
      b.cgroupSlot = slot;
      b.add(Stage.PARENT_MAP, Op.CGROUP_ENTER, what(procs), [1], [procs]);
    } else if (c.version === 1 && o.selfJoinV1) {
      const tasks = `${c.path}/tasks`;
      b.add(Stage.CHILD, Op.CGROUP_JOIN_SELF, what(tasks), [], [tasks]);
    } else {
      b.add(Stage.PARENT_MAP, Op.CGROUP_ENTER, what(procs), [0], [procs]);
    }
  }
}
