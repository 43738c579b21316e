import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { recordCgroupWrites, type CgroupWrite } from '../../src/runtime/cgroups/cgroup-file.ts';
import type { CgroupDir } from '../../src/runtime/cgroups/placement.ts';

// Directories shaped like cgroupfs for the controllers' unit tests (youki's libcgroups test.rs):
// seed the files a kernel would show, run a controller, read the files back. A plain file keeps
// only the last write, so writes are also recorded in order (`writes`, paths relative to the
// fixture root).

export interface CgroupFixture {
  root: string;
  // a directory under the root, created with `files`
  dir(relative: string, files?: Record<string, string>): string;
  read(relative: string): string;
  writes(): { file: string; value: string }[];
  // plays the kernel: called after each write under the root (file relative to the root)
  onWrite(fn: (file: string, value: string) => void): void;
  cleanup(): void;
}

export function makeCgroupFixture(): CgroupFixture {
  const root = mkdtempSync(join(tmpdir(), 'berth-cgfs-'));
  const hooks: ((file: string, value: string) => void)[] = [];
  const rec = recordCgroupWrites((w) => {
    if (!w.path.startsWith(`${root}/`)) return;
    for (const h of hooks) h(w.path.slice(root.length + 1), w.value);
  });
  const rel = (w: CgroupWrite): { file: string; value: string } => ({ file: w.path.slice(root.length + 1), value: w.value });
  return {
    root,
    dir(relative, files = {}) {
      const d = join(root, relative);
      mkdirSync(d, { recursive: true });
      for (const [name, content] of Object.entries(files)) {
        mkdirSync(dirname(join(d, name)), { recursive: true });
        writeFileSync(join(d, name), content);
      }
      return d;
    },
    read: (relative) => readFileSync(join(root, relative), 'utf8'),
    writes: () => rec.writes.filter((w) => w.path.startsWith(`${root}/`)).map(rel),
    onWrite: (fn) => void hooks.push(fn),
    cleanup() {
      rec.stop();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

// A CgroupDir for a fixture directory, as placement.ts would compute it.
export function fixtureCgroupDir(fx: CgroupFixture, version: 1 | 2, mount: string, relative: string, controllers: string[]): CgroupDir {
  return { version, controllers, mountPoint: join(fx.root, mount), path: join(fx.root, mount, relative), relative: `/${relative}` };
}

// The files of a fresh cgroup v1 memory cgroup on Linux 6.x, with their initial values.
export const V1_MEMORY_FILES: Record<string, string> = {
  'memory.limit_in_bytes': '9223372036854771712\n',
  'memory.memsw.limit_in_bytes': '9223372036854771712\n',
  'memory.soft_limit_in_bytes': '9223372036854771712\n',
  'memory.kmem.limit_in_bytes': '9223372036854771712\n',
  'memory.kmem.tcp.limit_in_bytes': '9223372036854771712\n',
  'memory.swappiness': '60\n',
  'memory.oom_control': 'oom_kill_disable 0\nunder_oom 0\noom_kill 0\n',
  'memory.use_hierarchy': '1\n',
  'memory.usage_in_bytes': '0\n',
};

export const V1_CPU_FILES: Record<string, string> = {
  'cpu.shares': '1024\n',
  'cpu.cfs_quota_us': '-1\n',
  'cpu.cfs_period_us': '100000\n',
  'cpu.cfs_burst_us': '0\n',
  'cpu.rt_runtime_us': '0\n',
  'cpu.rt_period_us': '1000000\n',
  'cpu.idle': '0\n',
  'cpu.stat': 'nr_periods 0\nnr_throttled 0\nthrottled_time 0\nnr_bursts 0\nburst_time 0\n',
};

export const V2_LEAF_FILES: Record<string, string> = {
  'cgroup.controllers': 'cpuset cpu io memory hugetlb pids rdma misc\n',
  'cgroup.subtree_control': '\n',
  'cgroup.procs': '',
  'cgroup.events': 'populated 0\nfrozen 0\n',
  'cgroup.freeze': '0\n',
  'cgroup.max.depth': 'max\n',
  'cgroup.max.descendants': 'max\n',
  'cgroup.stat': 'nr_descendants 0\nnr_dying_descendants 0\n',
  'cpu.weight': '100\n',
  'cpu.max': 'max 100000\n',
  'cpu.max.burst': '0\n',
  'cpu.idle': '0\n',
  'cpu.stat': 'usage_usec 0\nuser_usec 0\nsystem_usec 0\nnr_periods 0\nnr_throttled 0\nthrottled_usec 0\n',
  'cpuset.cpus': '\n',
  'cpuset.mems': '\n',
  'cpuset.cpus.effective': '0-1\n',
  'cpuset.mems.effective': '0\n',
  'io.max': '',
  'io.weight': 'default 100\n',
  'io.stat': '',
  'memory.max': 'max\n',
  'memory.low': '0\n',
  'memory.high': 'max\n',
  'memory.swap.max': 'max\n',
  'memory.current': '0\n',
  'memory.events': 'low 0\nhigh 0\nmax 0\noom 0\noom_kill 0\noom_group_kill 0\n',
  'pids.max': 'max\n',
  'pids.current': '0\n',
  'hugetlb.2MB.max': 'max\n',
  'hugetlb.2MB.rsvd.max': 'max\n',
  'hugetlb.1GB.max': 'max\n',
  'hugetlb.1GB.rsvd.max': 'max\n',
  'rdma.max': '',
};
