import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { requires } from '../helpers/requires.ts';
import { spawnInCgroups, waitFor } from '../helpers/cgroup-process.ts';
import { hostCgroupLayout } from '../../src/runtime/cgroups/detect.ts';
import { createCgroupDirs, resolveCgroupDirs, type CgroupDir } from '../../src/runtime/cgroups/placement.ts';
import { createCgroupManager, type CgroupManager } from '../../src/runtime/cgroups/manager.ts';
import { formatStatsEvent } from '../../src/runtime/cgroups/runc-events.ts';
import { OomKillCounter } from '../../src/runtime/cgroups/oom-events.ts';
import { InvalidConfigError } from '../../src/lib/errors.ts';
import { recordCgroupWrites } from '../../src/runtime/cgroups/cgroup-file.ts';

// The cgroup manager against this machine's real cgroup v1 hierarchies (and its hybrid
// cgroup2), as root. Each test makes its own cgroups named berth-test-<pid>-<n> and removes
// them; processes it starts are killed first. The v2 counterpart runs in a cgroup v2 guest
// (test/cgroup2/, launched by test/runtime/cgroups-v2-vm.test.ts).

const layout = hostCgroupLayout();
const hasV1 = layout.hierarchies.some((h) => h.version === 1);
let n = 0;
const everything: string[] = [];

function needsV1Host(t: Parameters<typeof requires>[0]): boolean {
  if (requires(t, { root: true })) return true;
  if (!hasV1) {
    t.skip('needs cgroup v1 hierarchies (this host is cgroup v2 only; see test/cgroup2/)');
    return true;
  }
  return false;
}

interface Cg {
  dirs: CgroupDir[];
  m: CgroupManager;
  dir(controller: string): string;
  read(controller: string, file: string): string;
}

function makeCgroup(t: { after(fn: () => unknown): void }): Cg {
  const id = `berth-test-${process.pid}-${++n}`;
  const dirs = resolveCgroupDirs(layout, undefined, id);
  const created = createCgroupDirs(dirs);
  everything.push(...created);
  const m = createCgroupManager(dirs, { created });
  t.after(async () => {
    for (const pid of m.pids(true)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone
      }
    }
    if (m.isFrozen()) await m.thaw();
    await waitFor(() => m.pids(true).length === 0);
    m.destroy();
  });
  const dir = (c: string): string => {
    const d = dirs.find((x) => x.controllers.includes(c));
    assert.ok(d, `no hierarchy with ${c}`);
    return d.path;
  };
  return { dirs, m, dir, read: (c, f) => readFileSync(join(dir(c), f), 'utf8').trim() };
}

after(() => {
  // nothing this suite made survives it
  const left = everything.filter((p) => existsSync(p));
  assert.deepEqual(left, [], 'cgroups left behind');
});

test('the host layout is what the hybrid driver expects', (t) => {
  if (needsV1Host(t)) return;
  const cg = makeCgroup(t);
  assert.equal(cg.m.mode, layout.mode);
});

test('memory: limits land in the real files; kernel memory is reported as ignored', (t) => {
  if (needsV1Host(t)) return;
  const cg = makeCgroup(t);
  const report = cg.m.apply({ memory: { limit: 64 << 20, swap: 96 << 20, reservation: 32 << 20, swappiness: 10, kernel: 100 << 20 } });
  assert.equal(cg.read('memory', 'memory.limit_in_bytes'), String(64 << 20));
  assert.equal(cg.read('memory', 'memory.memsw.limit_in_bytes'), String(96 << 20));
  assert.equal(cg.read('memory', 'memory.soft_limit_in_bytes'), String(32 << 20));
  assert.equal(cg.read('memory', 'memory.swappiness'), '10');
  // Linux 6.x accepts the write and keeps the limit unlimited
  assert.equal(report.warnings.length, 1, report.warnings.join('\n'));
  assert.match(report.warnings[0]!, /^linux\.resources\.memory\.kernel: ignored by this kernel/);
  // growing both again: memsw has to go first, or the kernel refuses
  cg.m.update({ memory: { limit: 128 << 20, swap: 256 << 20 } });
  assert.equal(cg.read('memory', 'memory.limit_in_bytes'), String(128 << 20));
  assert.equal(cg.read('memory', 'memory.memsw.limit_in_bytes'), String(256 << 20));
});

test('pids: a forking loop is stopped at pids.max', async (t) => {
  if (needsV1Host(t)) return;
  const cg = makeCgroup(t);
  cg.m.apply({ pids: { limit: 5 } });
  assert.equal(cg.read('pids', 'pids.max'), '5');
  const p = spawnInCgroups(cg.dirs, 'i=0; while [ $i -lt 20 ]; do sleep 30 & i=$((i+1)); done; echo forked; wait');
  await waitFor(() => /can't fork|cannot fork|Resource temporarily unavailable|forked/i.test(p.output()));
  assert.match(p.output(), /can't fork|cannot fork|Resource temporarily unavailable/i);
  assert.ok(Number(cg.read('pids', 'pids.current')) <= 5);
  assert.match(cg.read('pids', 'pids.events'), /max [1-9]/);
  const s = cg.m.stats();
  assert.equal(s.pids.limit, 5n);
  assert.ok(s.pids.current >= 1n && s.pids.current <= 5n);
  p.child.kill('SIGKILL');
});

test('cpu, cpuset, blkio throttle: real files', (t) => {
  if (needsV1Host(t)) return;
  const cg = makeCgroup(t);
  cg.m.apply({
    cpu: { shares: 512, quota: 20000, period: 100000, cpus: '0', mems: '0' },
    blockIO: { weight: 300, throttleReadBpsDevice: [{ major: 254, minor: 0, rate: 1 << 20 }] },
  });
  assert.equal(cg.read('cpu', 'cpu.shares'), '512');
  assert.equal(cg.read('cpu', 'cpu.cfs_quota_us'), '20000');
  assert.equal(cg.read('cpu', 'cpu.cfs_period_us'), '100000');
  assert.equal(cg.read('cpuset', 'cpuset.cpus'), '0');
  assert.equal(cg.read('blkio', 'blkio.bfq.weight'), '300');
  assert.equal(cg.read('blkio', 'blkio.throttle.read_bps_device'), `254:0 ${1 << 20}`);
  // the kernel clamps shares silently; berth says so
  assert.throws(() => cg.m.update({ cpu: { shares: 300000 } }), (e: unknown) => e instanceof InvalidConfigError && /300000 is above the maximum the kernel allows \(262144\)/.test(e.message));
});

test('devices: deny all, then the allows; a denied device cannot be opened', async (t) => {
  if (needsV1Host(t)) return;
  const cg = makeCgroup(t);
  cg.m.apply({ devices: [{ allow: false, access: 'rwm' }, { allow: true, type: 'c', major: 1, minor: 3, access: 'rwm' }, { allow: true, type: 'c', major: 136, access: 'rw' }] });
  assert.deepEqual(cg.read('devices', 'devices.list').split('\n').sort(), ['c 1:3 rwm', 'c 136:* rw'].sort());
  const p = spawnInCgroups(cg.dirs, 'echo x > /dev/null && echo null-ok; head -c 1 /dev/zero > /dev/null || echo zero-denied');
  assert.equal(await p.exited, 0);
  assert.match(p.output(), /null-ok/);
  assert.match(p.output(), /Operation not permitted/);
  assert.match(p.output(), /zero-denied/);
  // the same rules again (an update that keeps them): nothing is written, so the running
  // container never sees the moment of "deny all"
  const rec = recordCgroupWrites();
  cg.m.update({ devices: [{ allow: false, access: 'rwm' }, { allow: true, type: 'c', major: 1, minor: 3, access: 'rwm' }, { allow: true, type: 'c', major: 136, access: 'rw' }] });
  rec.stop();
  assert.deepEqual(rec.writes, []);
});

test('freeze and thaw a running process', async (t) => {
  if (needsV1Host(t)) return;
  const cg = makeCgroup(t);
  const p = spawnInCgroups(cg.dirs, 'while :; do :; done');
  await waitFor(() => cg.m.pids().length === 1);
  await cg.m.freeze();
  assert.equal(cg.m.freezerState(), 'frozen');
  assert.equal(cg.read('freezer', 'freezer.state'), 'FROZEN');
  const before = cg.m.stats().cpu.usage.total;
  await new Promise((r) => setTimeout(r, 200));
  assert.equal(cg.m.stats().cpu.usage.total, before, 'a frozen cgroup uses no cpu');
  await cg.m.thaw();
  assert.equal(cg.m.isFrozen(), false);
  await waitFor(() => cg.m.stats().cpu.usage.total > before);
  assert.ok(cg.m.stats().cpu.usage.total > before);
  p.child.kill('SIGKILL');
});

test('stats in runc\'s events shape from a busy process', async (t) => {
  if (needsV1Host(t)) return;
  const cg = makeCgroup(t);
  cg.m.apply({ memory: { limit: 256 << 20 }, pids: { limit: 100 } });
  // the sleeper is forked before the loop: once "done" is printed, two processes are there (with
  // `…; echo done; sleep 60` the check could come before the shell had forked it)
  const p = spawnInCgroups(cg.dirs, 'sleep 60 & i=0; while [ $i -lt 50000 ]; do i=$((i+1)); done; echo done; wait');
  // enough work to be accounted; the wait is long because a loaded machine stretches it
  await waitFor(() => p.output().includes('done'), 60000);
  const s = cg.m.stats();
  assert.ok(s.cpu.usage.total > 0n && s.cpu.usage.user + s.cpu.usage.kernel > 0n);
  assert.ok(s.cpu.usage.percpu.length >= 1);
  assert.ok(s.memory.usage.usage > 0n);
  assert.equal(s.memory.usage.limit, BigInt(256 << 20));
  assert.ok(Object.keys(s.memory.raw).includes('rss'));
  const event = JSON.parse(formatStatsEvent('c1', s)) as { type: string; id: string; data: { pids: { current: number; limit: number }; memory: { usage: { limit: number } } } };
  assert.equal(event.type, 'stats');
  assert.equal(event.data.pids.limit, 100);
  assert.ok(event.data.pids.current >= 2);
  assert.equal(event.data.memory.usage.limit, 256 << 20);
  p.child.kill('SIGKILL');
});

test('OOM: a process over the limit is killed and counted once', async (t) => {
  if (needsV1Host(t)) return;
  const cg = makeCgroup(t);
  cg.m.apply({ memory: { limit: 32 << 20, swap: 32 << 20 } });
  const counter = new OomKillCounter(cg.m);
  const p = spawnInCgroups(cg.dirs, 'exec python3 -c "b = bytearray(200 << 20); print(len(b))"');
  const code = await p.exited;
  assert.equal(code, 137, p.output());
  await waitFor(() => cg.m.oomKillCount() > 0n);
  assert.equal(counter.newKills(), 1);
  assert.equal(counter.newKills(), 0);
});

test('lowering the limit below what a process holds is refused with the usage', async (t) => {
  if (needsV1Host(t)) return;
  const cg = makeCgroup(t);
  cg.m.apply({ memory: { limit: 128 << 20, swap: 128 << 20 } });
  const p = spawnInCgroups(cg.dirs, 'exec python3 -c "import time; b = bytearray(48 << 20); b[::4096] = b\'x\' * len(b[::4096]); print(\'held\', flush=True); time.sleep(60)"');
  await waitFor(() => p.output().includes('held'), 20000);
  assert.throws(() => cg.m.update({ memory: { limit: 8 << 20 } }), (e: unknown) => e instanceof InvalidConfigError && e.field === 'linux.resources.memory.limit' && /cannot lower the limit to 8388608 bytes: the cgroup uses \d+ bytes/.test(e.message));
  p.child.kill('SIGKILL');
});

test('what this host cannot do is refused with the reason, touching nothing', (t) => {
  if (needsV1Host(t)) return;
  const cg = makeCgroup(t);
  const v2 = cg.dirs.find((d) => d.version === 2);
  if (v2 && !layout.hierarchies.find((h) => h.version === 2)!.controllers.includes('hugetlb')) {
    t.diagnostic('this host has no hugetlb in cgroup2; skipping that part');
  } else if (v2) {
    const subtree = readFileSync(join(v2.mountPoint, 'cgroup.subtree_control'), 'utf8');
    if (!subtree.includes('hugetlb')) {
      assert.throws(() => cg.m.apply({ hugepageLimits: [{ pageSize: '2MB', limit: 0 }] }), /linux\.resources\.hugepageLimits: needs the hugetlb controller, which is not enabled in .*cgroup\.subtree_control; berth does not change cgroups it did not create/);
      assert.equal(readFileSync(join(v2.mountPoint, 'cgroup.subtree_control'), 'utf8'), subtree, 'the host root is untouched');
    }
  }
  if (v2) {
    // unified keys reach only the cgroup2 part, and only for controllers that live there
    assert.throws(() => cg.m.apply({ unified: { 'memory.high': '1G' } }), /the memory controller is mounted as cgroup v1 on this host/);
  }
  if (!layout.hierarchies.some((h) => h.controllers.includes('net_cls'))) {
    assert.throws(() => cg.m.apply({ network: { classID: 0x100001 } }), /the net_cls controller is not available on this host/);
  }
});

test('destroy removes what was created and leaves a shared parent that others still use', (t) => {
  if (needsV1Host(t)) return;
  const base = `berth-test-${process.pid}-${++n}`;
  const a = resolveCgroupDirs(layout, `${base}/a`, 'a');
  const b = resolveCgroupDirs(layout, `${base}/b`, 'b');
  const createdA = createCgroupDirs(a);
  const createdB = createCgroupDirs(b);
  everything.push(...createdA, ...createdB);
  t.after(() => {
    createCgroupManager(b, { created: [...createdB, ...createdA.filter((p) => !p.endsWith('/a'))] }).destroy();
  });
  assert.ok(createdA.some((p) => p.endsWith(`/${base}`)), 'a created the shared parent');
  createCgroupManager(a, { created: createdA }).destroy();
  assert.ok(a.every((d) => !existsSync(d.path)));
  assert.ok(b.every((d) => existsSync(d.path)), 'b and the parent stay');
});

test('destroy also removes cgroups the container made inside its own', (t) => {
  if (needsV1Host(t)) return;
  const id = `berth-test-${process.pid}-${++n}`;
  const dirs = resolveCgroupDirs(layout, undefined, id);
  const created = createCgroupDirs(dirs);
  everything.push(...created);
  const inner = dirs.filter((d) => !d.controllers.includes('cpuset')).map((d) => join(d.path, 'nested', 'deeper'));
  for (const p of inner) mkdirSync(p, { recursive: true });
  createCgroupManager(dirs, { created }).destroy();
  assert.deepEqual(created.filter((p) => existsSync(p)), []);
});
