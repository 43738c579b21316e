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
  host: HostFacts;
}

export interface CreatePlan {
  plan: HelperPlan;
  // the helper asks for the runtime-namespace hooks (MSG_HOOKS) only when this is set
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
  b.add(Stage.PARENT_PRE, Op.MKNOD, `exec fifo "${input.fifoPath}"`, [-1, S_IF.FIFO | 0o600, 0, 0, 0, 0, 0], [input.fifoPath]);
  // O_RDWR: opening never blocks, and the init's read blocks until `start` writes a byte
  b.add(Stage.PARENT_PRE, Op.OPEN, `exec fifo "${input.fifoPath}"`, [fifo, O.RDWR, 0], [input.fifoPath]);

  addNamespaceSteps(b, spec, { cgroups: input.cgroups });

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
  if (process.terminal) {
    const target = input.consoleSocket ? { consoleSocket: input.consoleSocket } : ({ proxy: true } as const);
    terminalSlave = addTerminalSteps(b, spec, root, target).slave;
  }

  const h = spec.hooks ?? {};
  const hasHookSync = [h.prestart, h.createRuntime, h.createContainer, h.startContainer].some((l) => (l?.length ?? 0) > 0);
  if (hasHookSync) {
    b.add(Stage.INIT, Op.HOOK_SYNC, 'hooks (prestart, createRuntime)', [0]);
    (h.createContainer ?? []).forEach((hook, i) => addHookRun(b, `hooks.createContainer[${i}] ("${hook.path}")`, hook, 0));
  }

  addRootfsFinishSteps(b, spec, root, rootfsInput);

  addProcessSteps(b, spec, process, {
    ...(terminalSlave === undefined ? {} : { terminalSlave }),
    preserveFds: input.preserveFds,
    barrier: { fifoSlot: fifo, closeSync: !input.foreground },
    setsid: true,
    lastCap: input.host.lastCap(),
    rootfs: input.rootfs,
    startHookStateIndex: 1,
    warnings,
  });

  // The helper keeps nothing of the container open while it waits for it.
  if (input.foreground) b.add(Stage.PARENT_POST, Op.CLOSE_SLOT, 'exec fifo', [fifo]);
  return { plan: b.build(), hasHookSync, warnings };
}
