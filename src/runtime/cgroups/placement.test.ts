import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detectCgroupLayout } from './detect.ts';
import { resolveCgroupDirs } from './placement.ts';

const HYBRID_MOUNTINFO = [
  '30 24 0:26 / /sys/fs/cgroup ro,nosuid,nodev,noexec shared:4 - tmpfs tmpfs ro,mode=755',
  '31 30 0:27 / /sys/fs/cgroup/unified rw,nosuid,nodev,noexec,relatime shared:5 - cgroup2 cgroup2 rw',
  '32 30 0:28 / /sys/fs/cgroup/systemd rw,nosuid,nodev,noexec,relatime shared:6 - cgroup cgroup rw,xattr,name=systemd',
  '33 30 0:29 / /sys/fs/cgroup/memory rw,nosuid,nodev,noexec,relatime shared:7 - cgroup cgroup rw,memory',
  '34 30 0:30 / /sys/fs/cgroup/cpu,cpuacct rw,nosuid,nodev,noexec,relatime shared:8 - cgroup cgroup rw,cpu,cpuacct',
].join('\n');
const HYBRID_SELF = '4:cpu,cpuacct:/\n3:memory:/user.slice/a\n1:name=systemd:/user.slice\n0::/user.slice\n';

test('a hybrid host has its v1 hierarchies and its cgroup2 mount', () => {
  const layout = detectCgroupLayout(HYBRID_MOUNTINFO, HYBRID_SELF, () => ['hugetlb']);
  assert.equal(layout.mode, 'hybrid');
  assert.deepEqual(layout.hierarchies.map((h) => [h.version, h.mountPoint, h.controllers.join(','), h.ownPath]), [
    [2, '/sys/fs/cgroup/unified', 'hugetlb', '/user.slice'],
    [1, '/sys/fs/cgroup/systemd', 'name=systemd', '/user.slice'],
    [1, '/sys/fs/cgroup/memory', 'memory', '/user.slice/a'],
    [1, '/sys/fs/cgroup/cpu,cpuacct', 'cpu,cpuacct', '/'],
  ]);
});

test('relative paths are under our own cgroup on v1 and under its parent on v2; absolute ones from the root', () => {
  const layout = detectCgroupLayout(HYBRID_MOUNTINFO, HYBRID_SELF, () => []);
  const rel = resolveCgroupDirs(layout, undefined, 'c1').map((d) => d.path);
  assert.deepEqual(rel, ['/sys/fs/cgroup/unified/c1', '/sys/fs/cgroup/systemd/user.slice/c1', '/sys/fs/cgroup/memory/user.slice/a/c1', '/sys/fs/cgroup/cpu,cpuacct/c1']);
  const abs = resolveCgroupDirs(layout, '/berth/c1', 'c1').map((d) => d.path);
  assert.deepEqual(abs, ['/sys/fs/cgroup/unified/berth/c1', '/sys/fs/cgroup/systemd/berth/c1', '/sys/fs/cgroup/memory/berth/c1', '/sys/fs/cgroup/cpu,cpuacct/berth/c1']);
});

test('cgroupsPath cannot climb out of the hierarchy or name the root', () => {
  const layout = detectCgroupLayout(HYBRID_MOUNTINFO, HYBRID_SELF, () => []);
  assert.deepEqual(resolveCgroupDirs(layout, '/../../etc/x', 'c').map((d) => d.path)[0], '/sys/fs/cgroup/unified/etc/x');
  assert.throws(() => resolveCgroupDirs(layout, '/', 'c'), /root cgroup/);
  assert.throws(() => resolveCgroupDirs(layout, 'system.slice:docker:abc', 'c'), /systemd/);
});

test('a v2-only host', () => {
  const layout = detectCgroupLayout('40 30 0:27 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw,nsdelegate', '0::/init.scope\n', () => ['cpu', 'memory', 'pids']);
  assert.equal(layout.mode, 'v2');
  assert.deepEqual(resolveCgroupDirs(layout, undefined, 'x').map((d) => d.path), ['/sys/fs/cgroup/x']);
});
