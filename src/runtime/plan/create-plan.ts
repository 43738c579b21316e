import type { Spec } from '../../oci/runtime-spec.ts';
import { Op, Stage, WaitMode } from '../helper/protocol.ts';
import { PlanBuilder, type HelperPlan } from '../helper/plan.ts';
import { hasNewNamespace } from '../validate/index.ts';
import type { CgroupDir } from '../cgroups/placement.ts';
import { addNamespaceSteps } from './namespace-steps.ts';
import { addRootfsSteps, addRootfsFinishSteps, addTerminalSteps } from './rootfs-steps.ts';
import { addProcessSteps, addHookRun } from './process-steps.ts';
import type { HostFacts } from './host-facts.ts';
import { O, S_IF } from './linux-constants.ts';
import type { CompiledSeccomp } from '../seccomp/compile.ts';
import type { NativeCgroupStep } from '../cgroups/controller.ts';
import { addNativeCgroupSteps } from './cgroup-native-steps.ts';
import { addInitHidingSteps } from './init-hiding-steps.ts';
import type { IdMapWriters } from '../rootless/id-map-writers.ts';
import { SECCOMP_FILTER_FLAG_NEW_LISTENER } from '../seccomp/flags.ts';
import { addMonitorSteps, addMonitorLoopSteps, type MonitorOptions, type MonitorSlots } from './monitor-steps.ts';

export type { MonitorOptions, MonitorHealth } from './monitor-steps.ts';

export interface CreatePlanInput {
  bundle: string;
  rootfs: string; // absolute
  fifoPath: string;
  consoleSocket?: string;
  preserveFds: number;
  noPivot: boolean;
  cgroups: CgroupDir[];
  // run: the helper waits for the container and keeps the sync socket open across the barrier
  foreground: boolean;
  // the engine's containers: the helper stays as their monitor (native/steps/monitor.c)
  monitor?: MonitorOptions;
  // linux.seccomp compiled (before clone, so a bad profile is a create error)
  seccomp?: CompiledSeccomp;
  // what the cgroup manager left to the helper (v2 device programs)
  cgroupNative?: readonly NativeCgroupStep[];
  host: HostFacts;
  // rootless: newuidmap/newgidmap or the user's own id (rootless/id-map-writers.ts)
  idMapWriters?: IdMapWriters;
  // the runtime runs as a user other than root
  rootless?: boolean;
}

// The states the runtime sends in CONTINUE, by index.
export const STATE_INDEX = { CREATE_CONTAINER: 0, START_CONTAINER: 1, SECCOMP_LISTENER: 2 } as const;

export interface CreatePlan {
  plan: HelperPlan;
  // the helper asks for the runtime-namespace hooks and the states (MSG_HOOKS) only when this is set
  hasHookSync: boolean;
  warnings: string[];
}

// The order of the whole create, after crun's container_init_setup: namespaces and cgroups,
// mounts and devices, the terminal, [prestart + createRuntime in the runtime, createContainer
// here], sysctls, masks and read-only paths, pivot_root, hostname, then the process.
export function buildCreatePlan(spec: Spec, input: CreatePlanInput): CreatePlan {
  const b = new PlanBuilder();
  b.waitMode = input.foreground ? WaitMode.FOREGROUND : WaitMode.DETACH;
  const warnings: string[] = [];
  const process = spec.process!;

  const fifo = b.slot();
  // owner -1: the runtime's own user, root or not
  b.add(Stage.PARENT_PRE, Op.MKNOD, `exec fifo "${input.fifoPath}"`, [-1, S_IF.FIFO | 0o600, 0, 0, -1, -1, 0], [input.fifoPath]);
  // O_RDWR: opening never blocks, and the init's read blocks until `start` writes a byte
  b.add(Stage.PARENT_PRE, Op.OPEN, `exec fifo "${input.fifoPath}"`, [fifo, O.RDWR, 0], [input.fifoPath]);

  // the device program is attached before anything joins the cgroup
  addNativeCgroupSteps(b, input.cgroupNative ?? []);
  addNamespaceSteps(b, spec, { cgroups: input.cgroups, rootless: input.rootless === true, ...(input.idMapWriters ? { idMapWriters: input.idMapWriters } : {}) });
  addInitHidingSteps(b);

  const userns = (spec.linux?.namespaces ?? []).some((n) => n.type === 'user');
  const rootfsInput = {
    bundle: input.bundle,
    rootfs: input.rootfs,
    noPivot: input.noPivot,
    userns,
    newNetns: hasNewNamespace(spec, 'network'),
    newCgroupns: hasNewNamespace(spec, 'cgroup'),
    cgroups: input.cgroups,
    host: input.host,
  };
  const { root } = addRootfsSteps(b, spec, rootfsInput);

  let terminalSlave: number | undefined;
  let ptySlot = -1;
  if (process.terminal) {
    const target = input.consoleSocket ? { consoleSocket: input.consoleSocket } : ({ proxy: true } as const);
    terminalSlave = addTerminalSteps(b, spec, root, target).slave;
    ptySlot = b.ttyProxySlot;
  }
  let monitorSlots: MonitorSlots | undefined;
  if (input.monitor) {
    monitorSlots = addMonitorSteps(b, input.monitor, process.terminal === true);
    const c = monitorSlots.container;
    if (c) {
      b.add(Stage.INIT, Op.DUP_SLOT, 'container stdin', [c.in, 0]);
      b.add(Stage.INIT, Op.DUP_SLOT, 'container stdout', [c.out, 1]);
      b.add(Stage.INIT, Op.DUP_SLOT, 'container stderr', [c.err, 2]);
    }
  }

  const h = spec.hooks ?? {};
  const listenerPath = input.seccomp && (input.seccomp.flags & SECCOMP_FILTER_FLAG_NEW_LISTENER) !== 0 ? spec.linux?.seccomp?.listenerPath : undefined;
  // the seccomp listener gets the container process state, pid included: it comes with the hooks'
  const hasHookSync = listenerPath !== undefined || [h.prestart, h.createRuntime, h.createContainer, h.startContainer].some((l) => (l?.length ?? 0) > 0);
  if (hasHookSync) {
    // a rootless runtime's hooks (slirp4netns and the like) open /proc/<pid>/ns/* of the init,
    // which they may only while it is dumpable; root's have CAP_SYS_PTRACE
    if (input.rootless) b.add(Stage.INIT, Op.SET_DUMPABLE, 'hooks (a rootless runtime\'s hooks may open the init\'s namespaces)', [1]);
    b.add(Stage.INIT, Op.HOOK_SYNC, 'hooks (prestart, createRuntime)', [0]);
    if (input.rootless) b.add(Stage.INIT, Op.SET_DUMPABLE, 'hiding the runtime\'s process from the container again', [0]);
    (h.createContainer ?? []).forEach((hook, i) => addHookRun(b, `hooks.createContainer[${i}] ("${hook.path}")`, hook, STATE_INDEX.CREATE_CONTAINER));
  }
  let listener: { slot: number; stateIndex: number } | undefined;
  if (listenerPath) {
    const slot = b.slot();
    b.add(Stage.PARENT_PRE, Op.CONNECT_UNIX, `linux.seccomp.listenerPath "${listenerPath}"`, [slot], [listenerPath]);
    listener = { slot, stateIndex: STATE_INDEX.SECCOMP_LISTENER };
  }

  addRootfsFinishSteps(b, spec, root, rootfsInput);

  addProcessSteps(b, spec, process, {
    ...(terminalSlave === undefined ? {} : { terminalSlave }),
    preserveFds: input.preserveFds,
    barrier: { fifoSlot: fifo, closeSync: !input.foreground },
    setsid: true,
    lastCap: input.host.lastCap(),
    rootfs: input.rootfs,
    startHookStateIndex: STATE_INDEX.START_CONTAINER,
    ...(input.seccomp ? { seccomp: { compiled: input.seccomp, ...(listener ? { listener } : {}) } } : {}),
    warnings,
  });

  // The helper keeps nothing of the container open while it waits for it.
  if (input.foreground || input.monitor) b.add(Stage.PARENT_POST, Op.CLOSE_SLOT, 'exec fifo', [fifo]);
  // after every other PARENT_POST step, so the pty received from the init is there
  if (input.monitor && monitorSlots) addMonitorLoopSteps(b, input.monitor, monitorSlots, ptySlot);
  return { plan: b.build(), hasHookSync, warnings };
}
