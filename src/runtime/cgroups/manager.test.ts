import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { InvalidConfigError } from '../../lib/errors.ts';
import { fixtureCgroupDir, makeCgroupFixture, V1_CPU_FILES, V1_MEMORY_FILES, V2_LEAF_FILES, type CgroupFixture } from '../../../test/helpers/cgroup-fixture.ts';
import type { LinuxResources } from '../../oci/runtime-spec.ts';
import { selectCgroupDriver } from './cgroup-drivers.ts';
import { createCgroupManager } from './manager.ts';
import type { CgroupDir } from './placement.ts';
import { emulateDeviceProgram } from './v2/bpf-emulator.ts';

// This development machine: v1 for cpu, cpuacct, cpuset, memory, devices, freezer, blkio,
// pids and name=systemd, plus a cgroup2 at unified/ that offers only hugetlb and delegates
// nothing.
function hybridHost(fx: CgroupFixture): CgroupDir[] {
  const v1: [string, string[], Record<string, string>][] = [
    ['cpu', ['cpu'], V1_CPU_FILES],
    ['cpuacct', ['cpuacct'], { 'cpuacct.usage': '1000\n', 'cpuacct.stat': 'user 1\nsystem 2\n' }],
    ['cpuset', ['cpuset'], { 'cpuset.cpus': '0-1\n', 'cpuset.mems': '0\n' }],
    ['memory', ['memory'], { ...V1_MEMORY_FILES, 'memory.stat': 'cache 0\n' }],
    ['devices', ['devices'], { 'devices.list': 'a *:* rwm\n' }],
    ['freezer', ['freezer'], { 'freezer.state': 'THAWED\n' }],
    ['blkio', ['blkio'], { 'blkio.bfq.weight': '100\n' }],
    ['pids', ['pids'], { 'pids.max': 'max\n', 'pids.current': '1\n', 'cgroup.procs': '42\n' }],
    ['systemd', ['name=systemd'], {}],
  ];
  const dirs = v1.map(([mount, controllers, files]) => {
    fx.dir(`cg/${mount}/c1`, { 'cgroup.procs': '', ...files });
    return fixtureCgroupDir(fx, 1, `cg/${mount}`, 'c1', controllers);
  });
  fx.dir('cg/unified', { 'cgroup.controllers': 'hugetlb\n', 'cgroup.subtree_control': '\n' });
  fx.dir('cg/unified/c1', { 'cgroup.controllers': '\n', 'cgroup.procs': '42\n', 'cgroup.freeze': '0\n', 'cgroup.events': 'populated 1\nfrozen 0\n' });
  dirs.push(fixtureCgroupDir(fx, 2, 'cg/unified', 'c1', ['hugetlb']));
  return dirs;
}

// A cgroup v2-only host, the container at berth/c1 with berth/ created by berth.
function v2Host(fx: CgroupFixture, rootDelegates = 'cpuset cpu io memory hugetlb pids rdma misc\n'): { dirs: CgroupDir[]; created: string[] } {
  fx.dir('cg', { 'cgroup.controllers': 'cpuset cpu io memory hugetlb pids rdma misc\n', 'cgroup.subtree_control': rootDelegates });
  const mine = fx.dir('cg/berth', { 'cgroup.controllers': rootDelegates, 'cgroup.subtree_control': '\n' });
  // what the kernel would show in the leaf once berth/ delegates: everything it has
  const leaf = fx.dir('cg/berth/c1', { ...V2_LEAF_FILES, 'cgroup.controllers': rootDelegates });
  return { dirs: [fixtureCgroupDir(fx, 2, 'cg', 'berth/c1', rootDelegates.trim().split(' '))], created: [mine, leaf] };
}

const FULL: LinuxResources = {
  memory: { limit: 64 << 20, reservation: 32 << 20 },
  cpu: { shares: 512, quota: 50000, period: 100000, cpus: '0', mems: '0' },
  pids: { limit: 64 },
  blockIO: { weight: 200 },
  devices: [{ allow: false, access: 'rwm' }, { allow: true, type: 'c', major: 1, minor: 3, access: 'rwm' }],
};

test('hybrid driver: v1 where mounted, hugetlb from cgroup2, no net_cls/net_prio/rdma', (t) => {
  const fx = makeCgroupFixture();
  t.after(fx.cleanup);
  const d = selectCgroupDriver(hybridHost(fx));
  assert.equal(d.mode, 'hybrid');
  const bound = d.bindings.map((b) => `${b.controller.name}:v${b.dir.version}`);
  assert.deepEqual(bound, ['cpuset:v1', 'devices:v1', 'memory:v1', 'cpu:v1', 'cpuacct:v1', 'pids:v1', 'blkio:v1', 'hugetlb:v2', 'unified:v2']);
  assert.deepEqual(d.unbound.map((u) => u.controller.name), ['net_cls', 'net_prio', 'rdma']);
  assert.equal(d.freezerDir?.controllers[0], 'freezer');
  assert.equal(d.memoryDir?.controllers[0], 'memory');
});

test('hybrid apply writes each limit in its hierarchy', (t) => {
  const fx = makeCgroupFixture();
  t.after(fx.cleanup);
  const m = createCgroupManager(hybridHost(fx));
  const report = m.apply(FULL);
  assert.deepEqual(report, { warnings: [], native: [] });
  assert.deepEqual(fx.writes(), [
    { file: 'cg/cpuset/c1/cpuset.mems', value: '0' },
    { file: 'cg/cpuset/c1/cpuset.cpus', value: '0' },
    { file: 'cg/devices/c1/devices.deny', value: 'a' },
    { file: 'cg/devices/c1/devices.allow', value: 'c 1:3 rwm' },
    { file: 'cg/memory/c1/memory.limit_in_bytes', value: String(64 << 20) },
    { file: 'cg/memory/c1/memory.soft_limit_in_bytes', value: String(32 << 20) },
    { file: 'cg/cpu/c1/cpu.shares', value: '512' },
    { file: 'cg/cpu/c1/cpu.cfs_period_us', value: '100000' },
    { file: 'cg/cpu/c1/cpu.cfs_quota_us', value: '50000' },
    { file: 'cg/pids/c1/pids.max', value: '64' },
    { file: 'cg/blkio/c1/blkio.bfq.weight', value: '200' },
  ]);
});

test('hybrid: hugetlb in a cgroup2 whose root berth does not own is a clear error', (t) => {
  const fx = makeCgroupFixture();
  t.after(fx.cleanup);
  const m = createCgroupManager(hybridHost(fx));
  assert.throws(
    () => m.apply({ hugepageLimits: [{ pageSize: '2MB', limit: 0 }] }),
    (e: unknown) => e instanceof InvalidConfigError && e.field === 'linux.resources.hugepageLimits' && /not enabled in .*\/cg\/unified\/cgroup\.subtree_control; berth does not change cgroups it did not create/.test(e.message),
  );
  assert.deepEqual(fx.writes(), [], 'the host root was not touched');
});

test('hybrid: net_cls, net_prio and rdma requested on a host without them are errors', (t) => {
  const fx = makeCgroupFixture();
  t.after(fx.cleanup);
  const m = createCgroupManager(hybridHost(fx));
  assert.throws(() => m.apply({ network: { classID: 1 } }), (e: unknown) => e instanceof InvalidConfigError && e.message === 'linux.resources.network.classID: the net_cls controller is not available on this host (no cgroup v1 hierarchy mounts it, and cgroup v2 has no such controller)');
  assert.throws(() => m.apply({ network: { priorities: [{ name: 'eth0', priority: 1 }] } }), /linux\.resources\.network\.priorities: the net_prio controller is not available/);
  assert.throws(() => m.apply({ rdma: { mlx5_0: { hcaHandles: 1 } } }), /linux\.resources\.rdma: the rdma controller is not available on this host \(no cgroup v1 hierarchy mounts it and the cgroup v2 hierarchy does not offer it\)/);
  assert.throws(() => m.apply({ unified: { 'memory.high': '1M' } }), /the memory controller is mounted as cgroup v1 on this host/);
  assert.deepEqual(fx.writes(), []);
});

test('pure v1 with net_cls,net_prio and cpu,cpuacct co-mounted', (t) => {
  const fx = makeCgroupFixture();
  t.after(fx.cleanup);
  fx.dir('cg/net_cls,net_prio/c1', { 'net_cls.classid': '0\n', 'net_prio.ifpriomap': '' });
  fx.dir('cg/cpu,cpuacct/c1', V1_CPU_FILES);
  const dirs = [fixtureCgroupDir(fx, 1, 'cg/net_cls,net_prio', 'c1', ['net_cls', 'net_prio']), fixtureCgroupDir(fx, 1, 'cg/cpu,cpuacct', 'c1', ['cpu', 'cpuacct'])];
  const m = createCgroupManager(dirs);
  assert.equal(m.mode, 'v1');
  m.apply({ network: { classID: 7, priorities: [{ name: 'lo', priority: 3 }] }, cpu: { shares: 100 } });
  assert.deepEqual(fx.writes(), [
    { file: 'cg/cpu,cpuacct/c1/cpu.shares', value: '100' },
    { file: 'cg/net_cls,net_prio/c1/net_cls.classid', value: '7' },
    { file: 'cg/net_cls,net_prio/c1/net_prio.ifpriomap', value: 'lo 3' },
  ]);
  assert.throws(() => m.apply({ unified: { 'pids.max': '1' } }), /linux\.resources\.unified: needs cgroup v2, and this host has only cgroup v1 hierarchies/);
  assert.throws(() => m.apply({ memory: { limit: 1 } }), /linux\.resources\.memory: the memory controller is not available on this host \(no cgroup v1 hierarchy mounts it\)/);
});

test('v2: delegation in berth\'s own directory, every limit, the device program', (t) => {
  const fx = makeCgroupFixture();
  t.after(fx.cleanup);
  const { dirs, created } = v2Host(fx);
  const m = createCgroupManager(dirs, { created });
  assert.equal(m.mode, 'v2');
  const report = m.apply({ ...FULL, memory: { ...FULL.memory, swappiness: 0, kernel: 1 }, network: { classID: 3 } });
  assert.deepEqual(fx.writes(), [
    { file: 'cg/berth/cgroup.subtree_control', value: '+cpuset +cpu +io +memory +hugetlb +pids +rdma +misc' },
    { file: 'cg/berth/c1/cpuset.mems', value: '0' },
    { file: 'cg/berth/c1/cpuset.cpus', value: '0' },
    { file: 'cg/berth/c1/memory.max', value: String(64 << 20) },
    { file: 'cg/berth/c1/memory.low', value: String(32 << 20) },
    { file: 'cg/berth/c1/cpu.weight', value: '59' },
    { file: 'cg/berth/c1/cpu.max', value: '50000 100000' },
    { file: 'cg/berth/c1/pids.max', value: '64' },
    { file: 'cg/berth/c1/io.weight', value: '1920' },
  ]);
  assert.deepEqual(report.warnings, [
    'linux.resources.network.classID: ignored on cgroup v2 (net_cls is a cgroup v1 controller; nftables and tc can match the cgroup path instead)',
    'linux.resources.memory.kernel: ignored on cgroup v2 (kernel memory is part of memory.max)',
    'linux.resources.memory.swappiness: ignored on cgroup v2 (there is no per-cgroup swappiness)',
  ]);
  assert.equal(report.native.length, 1);
  const step = report.native[0]!;
  assert.equal(step.dir, join(fx.root, 'cg/berth/c1'));
  assert.equal(emulateDeviceProgram(step.program, { type: 'c', major: 1, minor: 3, access: 'rwm' }), true);
  assert.equal(emulateDeviceProgram(step.program, { type: 'c', major: 1, minor: 5, access: 'r' }), false);
});

test('v2: update writes only what it is given and delegates nothing', (t) => {
  const fx = makeCgroupFixture();
  t.after(fx.cleanup);
  const { dirs, created } = v2Host(fx);
  const m = createCgroupManager(dirs, { created });
  const report = m.update({ pids: { limit: 10 } });
  assert.deepEqual(fx.writes(), [{ file: 'cg/berth/c1/pids.max', value: '10' }]);
  assert.deepEqual(report, { warnings: [], native: [] });
});

test('v2: a controller the host root does not delegate is an error before any write', (t) => {
  const fx = makeCgroupFixture();
  t.after(fx.cleanup);
  const { dirs } = v2Host(fx, 'cpu memory\n');
  const m = createCgroupManager(dirs, { created: [] });
  assert.throws(() => m.apply({ memory: { limit: 1 << 20 }, pids: { limit: 5 } }), /linux\.resources\.pids: needs the pids controller, which is not enabled in .*\/cg\/cgroup\.subtree_control/);
  assert.deepEqual(fx.writes(), []);
});

test('stats gather every bound controller', (t) => {
  const fx = makeCgroupFixture();
  t.after(fx.cleanup);
  const m = createCgroupManager(hybridHost(fx));
  const s = m.stats();
  assert.equal(s.cpu.usage.total, 1000n);
  assert.equal(s.cpu.usage.user, 10_000_000n);
  assert.deepEqual(s.pids, { current: 1n, limit: 0n });
  assert.deepEqual(s.cpuset.cpus, [0, 1]);
  assert.equal(s.memory.usage.limit, 9223372036854771712n);
});

test('freeze and thaw use the v1 freezer on the hybrid host', async (t) => {
  const fx = makeCgroupFixture();
  t.after(fx.cleanup);
  const m = createCgroupManager(hybridHost(fx));
  assert.equal(m.isFrozen(), false);
  await m.freeze();
  assert.equal(m.freezerState(), 'frozen');
  assert.equal(m.isFrozen(), true);
  await m.thaw();
  assert.equal(m.freezerState(), 'thawed');
  assert.deepEqual(fx.writes().map((w) => `${w.file}=${w.value}`), ['cg/freezer/c1/freezer.state=FROZEN', 'cg/freezer/c1/freezer.state=THAWED']);
});

test('freeze and thaw use cgroup.freeze on v2', async (t) => {
  const fx = makeCgroupFixture();
  t.after(fx.cleanup);
  const { dirs, created } = v2Host(fx);
  fx.onWrite((file, value) => {
    if (file.endsWith('cgroup.freeze')) writeFileSync(join(fx.root, 'cg/berth/c1/cgroup.events'), `populated 1\nfrozen ${value}\n`);
  });
  const m = createCgroupManager(dirs, { created });
  await m.freeze();
  assert.equal(m.freezerState(), 'frozen');
  await m.thaw();
  assert.equal(m.isFrozen(), false);
});

test('pids and the OOM counter', (t) => {
  const fx = makeCgroupFixture();
  t.after(fx.cleanup);
  const dirs = hybridHost(fx);
  fx.dir('cg/unified/c1/sub', { 'cgroup.procs': '43\n44\n' });
  const m = createCgroupManager(dirs);
  assert.deepEqual(m.pids(false), [42]);
  assert.deepEqual(m.pids(true), [42, 43, 44]);
  writeFileSync(join(fx.root, 'cg/memory/c1/memory.oom_control'), 'oom_kill_disable 0\nunder_oom 0\noom_kill 2\n');
  assert.equal(m.oomKillCount(), 2n);
  assert.equal(m.oomNotifyFile(), undefined, 'v1 has no file to watch');
  const { dirs: v2dirs } = v2Host(fx);
  assert.equal(createCgroupManager(v2dirs).oomNotifyFile(), join(fx.root, 'cg/berth/c1/memory.events'));
});
