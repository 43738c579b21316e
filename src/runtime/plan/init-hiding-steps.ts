import { Op, Stage } from '../helper/protocol.ts';
import type { PlanBuilder } from '../helper/plan.ts';

// The init runs in the container's pid namespace from its first step, where the container (or a
// sibling container sharing that namespace) can see it until it execs: it holds the runtime's
// fds (sync socket, exec fifo, the cgroup directory) and, until pivot_root, the host's root. Not
// dumpable, it cannot be ptraced nor its /proc/<pid>/{fd,root,cwd,exe,mem} opened without
// CAP_SYS_PTRACE (as runc has done since CVE-2016-9962); exec of the container's program resets the
// flag. The cgroup directory fd was only for clone3(CLONE_INTO_CGROUP) in the parent.
export function addInitHidingSteps(b: PlanBuilder): void {
  b.add(Stage.INIT, Op.SET_DUMPABLE, 'hiding the runtime\'s process from the container (not dumpable until exec)', [0]);
  if (b.cgroupSlot >= 0) b.add(Stage.INIT, Op.CLOSE_SLOT, 'the cgroup directory (only the parent clones into it)', [b.cgroupSlot]);
}
