import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { requires } from '../helpers/requires.ts';
import { spawnInCgroups, waitFor } from '../helpers/cgroup-process.ts';
import { runHelperPlan } from '../helpers/run-helper-plan.ts';
import { hostCgroupLayout } from '../../src/runtime/cgroups/detect.ts';
import { createCgroupDirs, resolveCgroupDirs, type CgroupDir } from '../../src/runtime/cgroups/placement.ts';
import { createCgroupManager, type CgroupManager } from '../../src/runtime/cgroups/manager.ts';
import { formatStatsEvent } from '../../src/runtime/cgroups/runc-events.ts';
import { OomKillCounter, watchOomKills } from '../../src/runtime/cgroups/oom-events.ts';
import { encodeInsns, exit as bpfExit } from '../../src/runtime/cgroups/v2/bpf-instructions.ts';
import { addNativeCgroupSteps } from '../../src/runtime/plan/cgroup-native-steps.ts';
import { PlanBuilder } from '../../src/runtime/helper/plan.ts';
import { InvalidConfigError } from '../../src/lib/errors.ts';

// The cgroup manager on a real cgroup v2-only kernel. Meant for the guest that
// scripts/in-cgroup2-vm.sh boots (test/runtime/cgroups-v2-vm.test.ts launches it); on any other
// host every test skips. Each test makes berth-test-<pid>-<n>/c1 (berth creates both levels,
// so its delegation policy is exercised) and removes it.

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const layout = hostCgroupLayout();
const isV2Only = layout.mode === 'v2';
const root = layout.hierarchies[0]?.mountPoint ?? '/sys/fs/cgroup';
const rootControllers = isV2Only ? readFileSync(join(root, 'cgroup.controllers'), 'utf8').trim().split(/\s+/) : [];
const helperDir = [process.env['BERTH_LIBEXEC'], join(repo, 'dist'), join(repo, 'native', 'build')].find((d) => d && existsSync(join(d, 'berth-helper')));
if (helperDir) process.env['BERTH_LIBEXEC'] = helperDir;

let n = 0;
const everything: string[] = [];

function needsV2(t: Parameters<typeof requires>[0], controllers: string[] = []): boolean {
  if (requires(t, { root: true })) return true;
  if (!isV2Only) {
    t.skip('needs a cgroup v2-only host: run through scripts/in-cgroup2-vm.sh (test/runtime/cgroups-v2-vm.test.ts does)');
    return true;
  }
  const missing = controllers.filter((c) => !rootControllers.includes(c));
  if (missing.length > 0) {
    t.skip(`this kernel offers no ${missing.join(', ')} controller`);
    return true;
  }
  return false;
}

interface Cg {
  dir: CgroupDir;
  created: string[];
  m: CgroupManager;
  read(file: string): string;
}

function makeCgroup(t: { after(fn: () => unknown): void }): Cg {
  const base = `berth-test-${process.pid}-${++n}`;
  const dirs = resolveCgroupDirs(layout, `${base}/c1`, 'c1');
  const created = createCgroupDirs(dirs);
  everything.push(...created);
  const m = createCgroupManager(dirs, { created });
  t.after(async () => {
    if (m.isFrozen()) await m.thaw();
    for (const pid of m.pids(true)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone
      }
    }
    await waitFor(() => m.pids(true).length === 0);
    m.destroy();
  });
  const dir = dirs[0]!;
  return { dir, created, m, read: (f) => readFileSync(join(dir.path, f), 'utf8').trim() };
}

after(() => {
  assert.deepEqual(everything.filter((p) => existsSync(p)), [], 'cgroups left behind');
});

test('v2 layout; berth delegates every controller in the directory it created', (t) => {
  if (needsV2(t, ['pids'])) return;
  const cg = makeCgroup(t);
  assert.equal(cg.m.mode, 'v2');
  cg.m.apply({ pids: { limit: 10 } });
  const parent = dirname(cg.dir.path);
  assert.deepEqual(readFileSync(join(parent, 'cgroup.subtree_control'), 'utf8').trim().split(/\s+/).sort(), [...rootControllers].sort());
  assert.equal(cg.read('pids.max'), '10');
});

test('memory, cpu, pids and unified land in the real files; v1-only fields are warnings', (t) => {
  if (needsV2(t, ['memory', 'cpu', 'pids'])) return;
  const cg = makeCgroup(t);
  const report = cg.m.apply({
    memory: { limit: 64 << 20, swap: 96 << 20, reservation: 16 << 20, swappiness: 10, kernel: 1 << 20 },
    cpu: { shares: 1024, quota: 50000, period: 100000, burst: 1000, idle: 0, realtimeRuntime: 1000 },
    pids: { limit: 32 },
    unified: { 'memory.high': '48M' },
  });
  assert.equal(cg.read('memory.max'), String(64 << 20));
  assert.equal(cg.read('memory.swap.max'), String(32 << 20));
  assert.equal(cg.read('memory.low'), String(16 << 20));
  assert.equal(cg.read('memory.high'), String(48 << 20));
  assert.equal(cg.read('cpu.weight'), '100');
  assert.equal(cg.read('cpu.max'), '50000 100000');
  assert.equal(cg.read('cpu.max.burst'), '1000');
  assert.equal(cg.read('pids.max'), '32');
  assert.deepEqual(report.warnings, [
    'linux.resources.memory.kernel: ignored on cgroup v2 (kernel memory is part of memory.max)',
    'linux.resources.memory.swappiness: ignored on cgroup v2 (there is no per-cgroup swappiness)',
    'linux.resources.cpu.realtimeRuntime/realtimePeriod: ignored on cgroup v2 (it has no real-time group scheduling)',
  ]);
  // update keeps the quota when only the period changes
  cg.m.update({ cpu: { period: 200000 } });
  assert.equal(cg.read('cpu.max'), '50000 200000');
  assert.throws(() => cg.m.update({ memory: { limit: 64 << 20 }, unified: { 'memory.max': '1G' } }), InvalidConfigError);
  assert.throws(() => cg.m.update({ unified: { 'cgroup.procs': '1' } }), /is managed by berth itself/);
});

test('pids: a forking loop is stopped at pids.max', async (t) => {
  if (needsV2(t, ['pids'])) return;
  const cg = makeCgroup(t);
  cg.m.apply({ pids: { limit: 4 } });
  const p = spawnInCgroups([cg.dir], 'i=0; while [ $i -lt 12 ]; do sleep 30 & i=$((i+1)); done; echo forked; wait');
  await waitFor(() => /can't fork|cannot fork|Resource temporarily unavailable|forked/i.test(p.output()), 20000);
  assert.match(p.output(), /can't fork|cannot fork|Resource temporarily unavailable/i);
  assert.ok(Number(cg.read('pids.current')) <= 4);
  assert.match(cg.read('pids.events'), /max [1-9]/);
  p.child.kill('SIGKILL');
});

test('cpu: a busy loop under a 10% quota is throttled, and stats say so', async (t) => {
  if (needsV2(t, ['cpu'])) return;
  const cg = makeCgroup(t);
  cg.m.apply({ cpu: { quota: 10000, period: 100000 } });
  const p = spawnInCgroups([cg.dir], 'while :; do :; done');
  // throttled_usec grows when a throttled period ends, nr_throttled when one starts: wait for both
  await waitFor(() => {
    const th = cg.m.stats().cpu.throttling;
    return th.throttledPeriods >= 3n && th.throttledTime > 0n;
  }, 20000);
  const s = cg.m.stats();
  const shown = formatStatsEvent('c1', s);
  assert.ok(s.cpu.throttling.throttledPeriods >= 3n, shown);
  assert.ok(s.cpu.throttling.throttledTime > 0n, shown);
  assert.ok(s.cpu.usage.total > 0n, shown);
  const event = JSON.parse(shown) as { data: { cpu: { throttling: { throttledPeriods: number } }; pids: { current: number } } };
  assert.ok(event.data.cpu.throttling.throttledPeriods >= 3, shown);
  assert.equal(event.data.pids.current, 1);
  p.child.kill('SIGKILL');
});

test('OOM: the kill is counted, and the inotify watcher on memory.events fires', async (t) => {
  if (needsV2(t, ['memory'])) return;
  const cg = makeCgroup(t);
  cg.m.apply({ memory: { limit: 32 << 20, swap: 32 << 20 } });
  const counter = new OomKillCounter(cg.m);
  assert.equal(cg.m.oomNotifyFile(), join(cg.dir.path, 'memory.events'));
  const seen = new Promise<number>((resolve) => {
    const w = watchOomKills(cg.m, (k) => {
      w.close();
      resolve(k);
    }, { intervalMs: 60_000 }); // only inotify can wake it in time
  });
  const p = spawnInCgroups([cg.dir], 'exec python3 -c "b = bytearray(200 << 20); print(len(b))"');
  assert.equal(await p.exited, 137, p.output());
  assert.equal(await seen, 1);
  assert.equal(counter.newKills(), 1);
  assert.equal(cg.m.stats().memory.usage.limit, BigInt(32 << 20));
});

test('freeze and thaw through cgroup.freeze', async (t) => {
  if (needsV2(t)) return;
  const cg = makeCgroup(t);
  const p = spawnInCgroups([cg.dir], 'while :; do :; done');
  await waitFor(() => cg.m.pids().length === 1);
  await cg.m.freeze();
  assert.equal(cg.m.freezerState(), 'frozen');
  assert.match(cg.read('cgroup.events'), /frozen 1/);
  const before = cg.m.stats().cpu.usage.total;
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(cg.m.stats().cpu.usage.total, before);
  await cg.m.thaw();
  assert.equal(cg.m.freezerState(), 'thawed');
  p.child.kill('SIGKILL');
});

test('devices: the eBPF program, loaded and attached by the helper, decides; an update replaces it', async (t) => {
  if (needsV2(t)) return;
  if (!helperDir) {
    t.skip('needs the helper binary: make -C native OUT=$PWD/native/build');
    return;
  }
  const cg = makeCgroup(t);
  const attach = async (devices: { allow: boolean; type?: string; major?: number; minor?: number; access: string }[]): Promise<void> => {
    const report = cg.m.update({ devices });
    const b = new PlanBuilder();
    addNativeCgroupSteps(b, report.native);
    const r = await runHelperPlan(b.build());
    assert.deepEqual(r.errors, []);
    assert.equal(r.code, 0);
  };
  const probe = async (): Promise<string> => {
    const p = spawnInCgroups([cg.dir], 'echo x > /dev/null && echo null-ok; head -c 1 /dev/zero > /dev/null && echo zero-ok; true');
    await p.exited;
    return p.output();
  };
  await attach([{ allow: false, access: 'rwm' }, { allow: true, type: 'c', major: 1, minor: 3, access: 'rwm' }]);
  let out = await probe();
  assert.match(out, /null-ok/);
  assert.doesNotMatch(out, /zero-ok/);
  assert.match(out, /Operation not permitted/);
  // an update: if the first program stayed attached it would still deny /dev/zero
  await attach([{ allow: false, access: 'rwm' }, { allow: true, type: 'c', major: 1, access: 'rwm' }]);
  out = await probe();
  assert.match(out, /null-ok/);
  assert.match(out, /zero-ok/);
});

test('devices: a program the verifier refuses comes back as a step error with its reason', async (t) => {
  if (needsV2(t)) return;
  if (!helperDir) {
    t.skip('needs the helper binary: make -C native OUT=$PWD/native/build');
    return;
  }
  const cg = makeCgroup(t);
  const b = new PlanBuilder();
  // "exit" with r0 never written: the verifier says "R0 !read_ok"
  addNativeCgroupSteps(b, [{ kind: 'bpf-devices', dir: cg.dir.path, program: encodeInsns([bpfExit()]), license: 'Apache' }]);
  const r = await runHelperPlan(b.build());
  assert.equal(r.code, 1);
  assert.equal(r.errors.length, 1);
  assert.match(r.errors[0]!, /^linux\.resources\.devices \(the device program of cgroup ".*"\): loading the device program \(1 instructions\): R0 !read_ok: (permission denied \(EACCES\)|invalid argument \(EINVAL\))$/);
});

test('io: io.max on a loop device, and io.stat in stats after reading it', async (t) => {
  if (needsV2(t, ['io'])) return;
  if (!existsSync('/sbin/losetup') && !existsSync('/usr/sbin/losetup')) {
    t.skip('needs losetup');
    return;
  }
  try {
    execFileSync('modprobe', ['loop'], { stdio: 'ignore' }); // built in on most kernels, a module in the guest's
  } catch {
    // losetup says what is missing
  }
  const image = join('/tmp', `berth-io-${process.pid}.img`);
  execFileSync('truncate', ['-s', '8M', image]);
  const loop = execFileSync('losetup', ['-f', '--show', image], { encoding: 'utf8' }).trim();
  t.after(() => {
    execFileSync('losetup', ['-d', loop]);
    rmSync(image, { force: true });
  });
  const [major, minor] = readFileSync(`/sys/block/${loop.slice('/dev/'.length)}/dev`, 'utf8').trim().split(':').map(Number) as [number, number];
  const cg = makeCgroup(t);
  const weighted = existsSync(join(cg.dir.path, 'io.weight')) || existsSync(join(cg.dir.path, 'io.bfq.weight'));
  cg.m.apply({ blockIO: { ...(weighted ? { weight: 500 } : {}), throttleReadBpsDevice: [{ major, minor, rate: 100 << 20 }], throttleWriteIOPSDevice: [{ major, minor, rate: 1000 }] } });
  assert.equal(cg.read('io.max'), `${major}:${minor} rbps=${100 << 20} wbps=max riops=max wiops=1000`);
  if (weighted) t.diagnostic(`io weight: ${existsSync(join(cg.dir.path, 'io.bfq.weight')) ? cg.read('io.bfq.weight') : cg.read('io.weight')}`);
  const p = spawnInCgroups([cg.dir], `dd if=${loop} of=/dev/null bs=64k count=16 iflag=direct 2>&1`);
  assert.equal(await p.exited, 0, p.output());
  const s = cg.m.stats();
  const read = s.blkio.ioServiceBytesRecursive.find((e) => e.major === BigInt(major) && e.minor === BigInt(minor) && e.op === 'Read');
  assert.equal(read?.value, 1048576n);
  // rate 0 lifts the limit again
  cg.m.update({ blockIO: { throttleReadBpsDevice: [{ major, minor, rate: 0 }] } });
  assert.equal(cg.read('io.max'), `${major}:${minor} rbps=max wbps=max riops=max wiops=1000`);
});

test('hugetlb and cpuset where the kernel has them; a clear error where it does not', (t) => {
  if (needsV2(t)) return;
  const cg = makeCgroup(t);
  if (rootControllers.includes('hugetlb')) {
    cg.m.apply({ hugepageLimits: [{ pageSize: '2MB', limit: 4 << 20 }] });
    assert.equal(cg.read('hugetlb.2MB.max'), String(4 << 20));
  } else {
    assert.throws(() => cg.m.apply({ hugepageLimits: [{ pageSize: '2MB', limit: 0 }] }), /needs the hugetlb controller, which this host's cgroup v2 hierarchy does not offer/);
  }
  if (rootControllers.includes('cpuset')) {
    cg.m.apply({ cpu: { cpus: '0', mems: '0' } });
    assert.equal(cg.read('cpuset.cpus'), '0');
  } else {
    assert.throws(() => cg.m.apply({ cpu: { cpus: '0' } }), /needs the cpuset controller, which this host's cgroup v2 hierarchy does not offer/);
  }
});

test('destroy removes the container\'s cgroup and berth\'s parent', (t) => {
  if (needsV2(t)) return;
  const base = `berth-test-${process.pid}-${++n}`;
  const dirs = resolveCgroupDirs(layout, `${base}/c1`, 'c1');
  const created = createCgroupDirs(dirs);
  everything.push(...created);
  createCgroupManager(dirs, { created }).destroy();
  assert.ok(created.every((p) => !existsSync(p)));
});
