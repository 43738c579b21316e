import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { LinuxResources } from '../../oci/runtime-spec.ts';
import type { CgroupDir } from '../cgroups/placement.ts';
import { describeUser, type RuntimeUser } from './runtime-user.ts';

// A rootless container gets a cgroup only where the user was delegated one: a cgroup v2
// directory it may write (systemd's Delegate=yes gives user@<uid>.service and what is below it).
// v1 hierarchies are root's. Without delegation the container runs in the runtime's own cgroup
// and every limit is skipped with a warning naming it; with delegation, the limits whose
// controller the delegated directory offers (its cgroup.subtree_control) are applied, the rest
// skipped the same way. Device rules are never applied: a v2 device program needs
// CAP_SYS_ADMIN on the host, and in a user namespace no device node can be made anyway (only the
// host's nodes are bound in).

export interface RootlessCgroups {
  dirs: CgroupDir[];
  resources: LinuxResources | undefined;
  warnings: string[];
}

// The v2 controller each resource needs; network (net_cls, net_prio) exists only in v1.
const CONTROLLERS: Record<string, (r: LinuxResources) => string[]> = {
  memory: () => ['memory'],
  cpu: (r) => [...(r.cpu?.cpus || r.cpu?.mems ? ['cpuset'] : []), ...(r.cpu?.shares || r.cpu?.quota || r.cpu?.period || r.cpu?.burst !== undefined || r.cpu?.idle !== undefined ? ['cpu'] : [])],
  pids: () => ['pids'],
  blockIO: () => ['io'],
  hugepageLimits: () => ['hugetlb'],
  rdma: () => ['rdma'],
  network: () => ['net_cls (cgroup v1 only)'],
  unified: (r) => Object.keys(r.unified ?? {}).map((k) => k.split('.')[0]!).filter((c) => c !== 'cgroup'),
};

function isWritable(path: string): boolean {
  try {
    accessSync(path, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

// The nearest existing ancestor of `dir`: where the user's mkdir would happen.
function existingAncestor(dir: string): string {
  let d = dirname(dir);
  while (!existsSync(d) && d !== dirname(d)) d = dirname(d);
  return d;
}

function requestedFields(resources: LinuxResources | undefined): string[] {
  return Object.keys(CONTROLLERS).filter((k) => {
    const v = (resources as Record<string, unknown> | undefined)?.[k];
    return v !== undefined && v !== null && !(typeof v === 'object' && Object.keys(v).length === 0);
  });
}

// Rules beyond docker's deny-all would change what the container may use; say they are not.
function devicesWarning(resources: LinuxResources | undefined): string[] {
  const rules = resources?.devices ?? [];
  const denyAll = (r: (typeof rules)[number]): boolean => !r.allow && (r.access ?? 'rwm') === 'rwm' && (r.type === undefined || r.type === 'a') && r.major === undefined && r.minor === undefined;
  if (rules.every(denyAll)) return [];
  return ['rootless: linux.resources.devices not applied: device rules need root (a cgroup v2 device program, or the v1 devices controller); in the user namespace only the host\'s device nodes bound in are reachable, with the host\'s permissions'];
}

export function planRootlessCgroups(dirs: readonly CgroupDir[], resources: LinuxResources | undefined, user: RuntimeUser): RootlessCgroups {
  const plan = placeRootless(dirs, resources, user);
  return { ...plan, warnings: [...plan.warnings, ...devicesWarning(resources)] };
}

function placeRootless(dirs: readonly CgroupDir[], resources: LinuxResources | undefined, user: RuntimeUser): RootlessCgroups {
  const who = describeUser(user);
  const asked = requestedFields(resources);
  const v2 = dirs.find((d) => d.version === 2);
  const parent = v2 ? existingAncestor(v2.path) : undefined;
  const delegated = parent !== undefined && isWritable(parent) && isWritable(join(parent, 'cgroup.procs'));
  if (!v2 || !delegated) {
    const warnings = asked.length === 0 ? [] : [`rootless: ${asked.map((f) => `linux.resources.${f}`).join(', ')} not applied: ${who} has no delegated cgroup v2 directory to put the container in (the cgroup hierarchies are root's), so it runs in the runtime's own cgroup`];
    return { dirs: [], resources: undefined, warnings };
  }
  let offered: string[] = [];
  try {
    offered = readFileSync(join(parent, 'cgroup.subtree_control'), 'utf8').trim().split(/\s+/).filter(Boolean);
  } catch {
    // no controllers to offer
  }
  const kept: LinuxResources = {};
  const skipped: string[] = [];
  for (const field of asked) {
    const need = CONTROLLERS[field]!(resources!);
    const missing = need.filter((c) => !offered.includes(c));
    if (missing.length === 0) (kept as Record<string, unknown>)[field] = (resources as Record<string, unknown>)[field];
    else skipped.push(`linux.resources.${field} (needs ${missing.join(', ')})`);
  }
  const warnings = skipped.length === 0 ? [] : [`rootless: ${skipped.join(', ')} not applied: the delegated cgroup "${parent}" does not offer ${skipped.length === 1 ? 'that controller' : 'those controllers'} (its cgroup.subtree_control has: ${offered.join(' ') || 'none'})`];
  return { dirs: [v2], resources: kept, warnings };
}
