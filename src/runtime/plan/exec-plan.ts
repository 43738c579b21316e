import type { Process, Spec, LinuxNamespaceType } from '../../oci/runtime-spec.ts';
import { Op, Stage, WaitMode } from '../helper/protocol.ts';
import { PlanBuilder, type HelperPlan } from '../helper/plan.ts';
import { NAMESPACE_CLONE_FLAG, NAMESPACE_PROC_NAME } from './namespace-steps.ts';
import { addProcessSteps } from './process-steps.ts';
import { addProxySteps } from './rootfs-steps.ts';
import { addInitHidingSteps } from './init-hiding-steps.ts';
import { O } from './linux-constants.ts';
import { addCgroupEntry } from './cgroup-steps.ts';
import type { CgroupDir } from '../cgroups/placement.ts';
import type { CompiledSeccomp } from '../seccomp/compile.ts';

export interface ExecPlanInput {
  initPid: number;
  seccomp?: CompiledSeccomp;
  cgroups: CgroupDir[];
  consoleSocket?: string;
  detach: boolean;
  preserveFds: number;
  // --no-pivot containers are chrooted: the exec'd process is too, into the init's root
  chrootToInit: boolean;
  lastCap: number;
  rootfs: string;
  // a runtime that is not root: its process joins v1 cgroups through the parent (cgroup-steps.ts)
  rootless?: boolean;
}

// Joining a running container (runc's setnsProcess, youki's tenant builder): open every namespace
// of its init before joining any, join user first and mount last, enter its cgroups, then set up
// the process exactly as the init's own steps do, without a barrier.
export function buildExecPlan(spec: Spec, p: Process, input: ExecPlanInput): { plan: HelperPlan; warnings: string[] } {
  const b = new PlanBuilder();
  b.waitMode = input.detach ? WaitMode.DETACH : WaitMode.FOREGROUND;
  const warnings: string[] = [];
  const types = (spec.linux?.namespaces ?? []).map((n) => n.type);
  const slots = new Map<LinuxNamespaceType, number>();
  for (const t of types) {
    const slot = b.slot();
    const path = `/proc/${input.initPid}/ns/${NAMESPACE_PROC_NAME[t]}`;
    b.add(Stage.PARENT_PRE, Op.OPEN, `the container's ${t} namespace ("${path}")`, [slot, O.RDONLY, 0], [path]);
    slots.set(t, slot);
  }
  let rootSlot: number | undefined;
  if (input.chrootToInit) {
    rootSlot = b.slot();
    b.add(Stage.PARENT_PRE, Op.OPEN, 'the container\'s root', [rootSlot, O.PATH | O.DIRECTORY, 0], [`/proc/${input.initPid}/root`]);
  }
  // the process starts as the runtime's user in the host's user namespace (it joins the
  // container's user namespace later, by setns): root may move itself into v1 cgroups
  addCgroupEntry(b, input.cgroups, (p) => `the container's cgroup ("${p}")`, { selfJoinV1: input.rootless !== true });
  const order: LinuxNamespaceType[] = ['user', ...types.filter((t) => t !== 'user' && t !== 'mount'), 'mount'];
  for (const t of order) {
    const slot = slots.get(t);
    if (slot !== undefined) b.add(Stage.CHILD, Op.SETNS, `joining the container's ${t} namespace`, [slot, NAMESPACE_CLONE_FLAG[t]]);
  }
  addInitHidingSteps(b);
  if (rootSlot !== undefined) b.add(Stage.INIT, Op.CHROOT, 'the container\'s root', [rootSlot], ['']);

  let terminalSlave: number | undefined;
  if (p.terminal) {
    const master = b.slot();
    terminalSlave = b.slot();
    b.add(Stage.INIT, Op.OPEN_IN_ROOT, '--tty (opening the container\'s /dev/ptmx)', [-1, master, O.RDWR | O.NOCTTY, 0], ['/dev/ptmx']);
    b.add(Stage.INIT, Op.PTY_PEER, '--tty', [master, terminalSlave]);
    if (p.consoleSize) b.add(Stage.INIT, Op.SET_WINSIZE, 'process.consoleSize', [terminalSlave, p.consoleSize.height, p.consoleSize.width]);
    if (input.consoleSocket) {
      const sock = b.slot();
      b.add(Stage.PARENT_PRE, Op.CONNECT_UNIX, `--console-socket "${input.consoleSocket}"`, [sock], [input.consoleSocket]);
      b.add(Stage.INIT, Op.SEND_FD, `--console-socket "${input.consoleSocket}"`, [sock, master], ['/dev/ptmx']);
      b.add(Stage.INIT, Op.CLOSE_SLOT, '--console-socket', [sock]);
    } else {
      addProxySteps(b, master, !p.consoleSize);
    }
    b.add(Stage.INIT, Op.CLOSE_SLOT, '--tty', [master]);
  }
  addProcessSteps(b, spec, p, {
    ...(terminalSlave === undefined ? {} : { terminalSlave }),
    preserveFds: input.preserveFds,
    setsid: p.terminal === true,
    lastCap: input.lastCap,
    rootfs: input.rootfs,
    ...(input.seccomp ? { seccomp: { compiled: input.seccomp } } : {}),
    warnings,
  });
  return { plan: b.build(), warnings };
}
