import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { makeCgroupFixture } from '../../../test/helpers/cgroup-fixture.ts';
import { ancestorsOf, checkControllersAvailable, delegateInCreatedDirs } from './subtree-control.ts';

const ALL = 'cpuset cpu io memory hugetlb pids rdma misc\n';

test('ancestors from the mount point to the parent', () => {
  assert.deepEqual(ancestorsOf('/sys/fs/cgroup', '/sys/fs/cgroup/a/b/c'), ['/sys/fs/cgroup', '/sys/fs/cgroup/a', '/sys/fs/cgroup/a/b']);
  assert.deepEqual(ancestorsOf('/sys/fs/cgroup', '/sys/fs/cgroup/c'), ['/sys/fs/cgroup']);
});

test('berth delegates everything in the directories it created, never elsewhere', (t) => {
  const fx = makeCgroupFixture();
  t.after(fx.cleanup);
  const root = fx.dir('cg', { 'cgroup.controllers': ALL, 'cgroup.subtree_control': 'cpu memory pids\n' });
  const mine = fx.dir('cg/berth', { 'cgroup.controllers': 'cpu memory pids\n', 'cgroup.subtree_control': '\n' });
  const leaf = fx.dir('cg/berth/c1', { 'cgroup.controllers': '\n' });
  delegateInCreatedDirs(root, leaf, [mine, leaf]);
  assert.deepEqual(fx.writes(), [{ file: 'cg/berth/cgroup.subtree_control', value: '+cpu +memory +pids' }]);
});

test('nothing is written where everything is delegated already', (t) => {
  const fx = makeCgroupFixture();
  t.after(fx.cleanup);
  const root = fx.dir('cg', { 'cgroup.controllers': ALL, 'cgroup.subtree_control': ALL });
  const mine = fx.dir('cg/berth', { 'cgroup.controllers': ALL, 'cgroup.subtree_control': ALL });
  delegateInCreatedDirs(root, join(mine, 'c1'), [mine, join(mine, 'c1')]);
  assert.deepEqual(fx.writes(), []);
});

test('a controller missing in a cgroup berth does not own names the file and the fix', (t) => {
  const fx = makeCgroupFixture();
  t.after(fx.cleanup);
  const root = fx.dir('cg', { 'cgroup.controllers': ALL, 'cgroup.subtree_control': 'cpu memory\n' });
  const leaf = fx.dir('cg/c1', { 'cgroup.controllers': 'cpu memory\n' });
  checkControllersAvailable(root, leaf, [{ controller: 'memory', field: 'linux.resources.memory' }]);
  assert.throws(
    () => checkControllersAvailable(root, leaf, [{ controller: 'hugetlb', field: 'linux.resources.hugepageLimits' }]),
    (e: unknown) =>
      (e as Error).message ===
      `linux.resources.hugepageLimits: needs the hugetlb controller, which is not enabled in ${root}/cgroup.subtree_control; berth does not change cgroups it did not create: enable it there (echo +hugetlb > ${root}/cgroup.subtree_control) or choose another linux.cgroupsPath`,
  );
});

test('a controller the host does not offer at all says so', (t) => {
  const fx = makeCgroupFixture();
  t.after(fx.cleanup);
  const root = fx.dir('cg', { 'cgroup.controllers': 'hugetlb\n', 'cgroup.subtree_control': '\n' });
  const leaf = fx.dir('cg/c1', { 'cgroup.controllers': '\n' });
  assert.throws(() => checkControllersAvailable(root, leaf, [{ controller: 'rdma', field: 'linux.resources.rdma' }]), /does not offer \(not in .*\/cg\/cgroup\.controllers\)/);
});
