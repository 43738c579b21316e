import { readFileSync } from 'node:fs';

// What cgroup hierarchies this host has, read from /proc/self/mountinfo and /proc/self/cgroup.
// A host is v1 (legacy), v2 (unified) or hybrid (v1 controllers plus a cgroup2 mount, as this
// development machine and many older systemd hosts are).

export interface CgroupHierarchy {
  version: 1 | 2;
  mountPoint: string;
  // the mount's root inside the hierarchy ("/" unless we are in a cgroup namespace or a bind)
  root: string;
  // v1: controllers and name=... of the hierarchy; v2: the controllers in cgroup.controllers
  controllers: string[];
  // this process's cgroup in the hierarchy, from /proc/self/cgroup
  ownPath: string;
}

export interface CgroupLayout {
  mode: 'v1' | 'v2' | 'hybrid';
  hierarchies: CgroupHierarchy[];
}

const V1_CONTROLLERS = new Set([
  'cpu', 'cpuacct', 'cpuset', 'memory', 'devices', 'freezer', 'net_cls', 'net_prio', 'blkio',
  'perf_event', 'hugetlb', 'pids', 'rdma', 'misc',
]);

function unescapeMountPath(p: string): string {
  return p.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(Number.parseInt(o, 8)));
}

interface MountEntry {
  root: string;
  mountPoint: string;
  fstype: string;
  superOptions: string[];
}

export function parseMountinfo(text: string): MountEntry[] {
  const out: MountEntry[] = [];
  for (const line of text.split('\n')) {
    if (!line) continue;
    const fields = line.split(' ');
    const dash = fields.indexOf('-');
    if (dash < 6 || fields.length < dash + 4) continue;
    out.push({
      root: unescapeMountPath(fields[3]!),
      mountPoint: unescapeMountPath(fields[4]!),
      fstype: fields[dash + 1]!,
      superOptions: fields[dash + 3]!.split(','),
    });
  }
  return out;
}

// "4:memory:/a/b" lines -> controller key -> path; v2's line is keyed "".
export function parseProcCgroup(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (!line) continue;
    const first = line.indexOf(':');
    const second = line.indexOf(':', first + 1);
    if (first < 0 || second < 0) continue;
    const controllers = line.slice(first + 1, second);
    const path = line.slice(second + 1);
    out.set(controllers, path);
  }
  return out;
}

export function detectCgroupLayout(mountinfo: string, procCgroup: string, readControllers: (dir: string) => string[]): CgroupLayout {
  const own = parseProcCgroup(procCgroup);
  const hierarchies: CgroupHierarchy[] = [];
  const seen = new Set<string>();
  for (const m of parseMountinfo(mountinfo)) {
    if (m.fstype === 'cgroup') {
      const controllers = m.superOptions.filter((o) => V1_CONTROLLERS.has(o) || o.startsWith('name='));
      if (controllers.length === 0) continue;
      const key = controllers.slice().sort().join(',');
      if (seen.has(key)) continue;
      seen.add(key);
      let ownPath = '/';
      for (const [ctrls, path] of own) {
        if (ctrls && ctrls.split(',').sort().join(',') === key) ownPath = path;
      }
      hierarchies.push({ version: 1, mountPoint: m.mountPoint, root: m.root, controllers, ownPath });
    } else if (m.fstype === 'cgroup2') {
      if (seen.has('cgroup2')) continue;
      seen.add('cgroup2');
      hierarchies.push({ version: 2, mountPoint: m.mountPoint, root: m.root, controllers: readControllers(m.mountPoint), ownPath: own.get('') ?? '/' });
    }
  }
  const hasV1 = hierarchies.some((h) => h.version === 1);
  const hasV2 = hierarchies.some((h) => h.version === 2);
  const mode = hasV1 && hasV2 ? 'hybrid' : hasV2 ? 'v2' : 'v1';
  return { mode, hierarchies };
}

let cached: CgroupLayout | undefined;

export function hostCgroupLayout(): CgroupLayout {
  cached ??= detectCgroupLayout(readFileSync('/proc/self/mountinfo', 'utf8'), readFileSync('/proc/self/cgroup', 'utf8'), (dir) => {
    try {
      return readFileSync(`${dir}/cgroup.controllers`, 'utf8').trim().split(/\s+/).filter(Boolean);
    } catch {
      return [];
    }
  });
  return cached;
}
