import type { Spec, LinuxNamespaceType } from '../../oci/runtime-spec.ts';
import { Op, Stage } from '../helper/protocol.ts';
import type { PlanBuilder } from '../helper/plan.ts';
import { CLONE, O } from './linux-constants.ts';
import { addCgroupEntry } from './cgroup-steps.ts';
import type { CgroupDir } from '../cgroups/placement.ts';
import type { IdMapWriters } from '../rootless/id-map-writers.ts';
import { addIdMapSteps } from './id-map-steps.ts';

export const NAMESPACE_CLONE_FLAG: Record<LinuxNamespaceType, number> = {
  user: CLONE.NEWUSER,
  pid: CLONE.NEWPID,
  network: CLONE.NEWNET,
  ipc: CLONE.NEWIPC,
  uts: CLONE.NEWUTS,
  mount: CLONE.NEWNS,
  cgroup: CLONE.NEWCGROUP,
  time: CLONE.NEWTIME,
};

// /proc/<pid>/ns/<name> for each namespace type.
export const NAMESPACE_PROC_NAME: Record<LinuxNamespaceType, string> = {
  user: 'user',
  pid: 'pid',
  network: 'net',
  ipc: 'ipc',
  uts: 'uts',
  mount: 'mnt',
  cgroup: 'cgroup',
  time: 'time',
};

export interface NamespaceInput {
  cgroups: CgroupDir[];
  // a runtime that is not root (its containers' v1 cgroups, if any, are joined by the parent)
  rootless?: boolean;
  // how the maps of a new user namespace are written (root's direct write by default)
  idMapWriters?: IdMapWriters;
}

// Order matters and is explained step by step:
// - S1 is cloned into a new user namespace (only CLONE_NEWUSER is a clone flag: everything else
//   must be created from inside it, so the namespaces belong to the container's user);
// - H writes S1's id maps and puts it in its cgroups before S1 does anything (S1 moves itself
//   into v1 cgroups, first thing, when it can: cgroup-steps.ts);
// - S1 joins the given namespaces (user first: the rest are then checked against it; mount last:
//   it changes S1's root, and later paths would resolve in it), then unshares the new ones.
//   The new pid and time namespaces take effect for S1's children, so S2 is the container's init.
export function addNamespaceSteps(b: PlanBuilder, spec: Spec, input: NamespaceInput): void {
  const list = spec.linux?.namespaces ?? [];
  const joined: { type: LinuxNamespaceType; slot: number; index: number; path: string }[] = [];
  let unshareFlags = 0;
  let newUser = false;
  list.forEach((ns, index) => {
    if (ns.path) {
      const slot = b.slot();
      const what = `linux.namespaces[${index}] (${ns.type} namespace "${ns.path}")`;
      b.add(Stage.PARENT_PRE, Op.OPEN, what, [slot, O.RDONLY, 0], [ns.path]);
      joined.push({ type: ns.type, slot, index, path: ns.path });
    } else if (ns.type === 'user') {
      newUser = true;
    } else {
      unshareFlags |= NAMESPACE_CLONE_FLAG[ns.type];
    }
  });
  if (newUser) {
    b.cloneFlags |= CLONE.NEWUSER;
    addIdMapSteps(b, spec.linux?.uidMappings ?? [], spec.linux?.gidMappings ?? [], input.idMapWriters);
  }
  // S1 is root of the host's user namespace until its CHILD steps join or make another, unless it
  // was cloned into a new one or the runtime is not root: then it cannot move itself
  // (cgroup-steps.ts)
  addCgroupEntry(b, input.cgroups, (p) => `linux.cgroupsPath (joining "${p}")`, { selfJoinV1: !newUser && input.rootless !== true });
  const oom = spec.process?.oomScoreAdj;
  if (oom !== undefined) {
    b.add(Stage.PARENT_MAP, Op.WRITE_CHILD_PROC, `process.oomScoreAdj (${oom})`, [], ['oom_score_adj', String(oom)]);
  }

  const byType = (t: LinuxNamespaceType): typeof joined => joined.filter((j) => j.type === t);
  const setns = (j: (typeof joined)[number]): void => {
    b.add(Stage.CHILD, Op.SETNS, `linux.namespaces[${j.index}] (${j.type} namespace "${j.path}")`, [j.slot, NAMESPACE_CLONE_FLAG[j.type]]);
  };
  byType('user').forEach(setns);
  if (newUser) {
    b.add(Stage.CHILD, Op.SETRESGID, 'linux.gidMappings (becoming gid 0 in the new user namespace)', [0]);
    b.add(Stage.CHILD, Op.SETRESUID, 'linux.uidMappings (becoming uid 0 in the new user namespace)', [0]);
  }
  for (const j of joined) if (j.type !== 'user' && j.type !== 'mount') setns(j);
  if (unshareFlags !== 0) {
    b.add(Stage.CHILD, Op.UNSHARE, 'linux.namespaces (creating the new namespaces)', [unshareFlags]);
  }
  const offsets = spec.linux?.timeOffsets;
  if (offsets && (unshareFlags & CLONE.NEWTIME) !== 0) {
    const text = Object.entries(offsets)
      .map(([clock, o]) => `${clock} ${o.secs ?? 0} ${o.nanosecs ?? 0}\n`)
      .join('');
    b.add(Stage.CHILD, Op.WRITE_FILE, 'linux.timeOffsets', [-1], ['/proc/self/timens_offsets', text]);
  }
  byType('mount').forEach(setns);
}
