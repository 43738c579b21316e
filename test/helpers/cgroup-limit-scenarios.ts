import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { containerEnv, runInContainer, shell, type Env } from './container.ts';
import { requires } from './requires.ts';
import { runtimeAsync } from './runtime-cli.ts';
import { hostCgroupLayout } from '../../src/runtime/cgroups/detect.ts';
import { buildProbes } from './probes.ts';

// Real limits, observed for real, through berth-runtime. Registered by
// test/runtime/cgroup-limits.test.ts on this (v1/hybrid) host and by
// test/cgroup2/runtime-limits.test.ts inside the cgroup v2-only guest.

async function waitFor(pred: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
}

const stats = (env: Env): { data: Record<string, any> } => {
  const r = env.rt('events', '--stats', env.id);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout);
};

function hasController(name: string): boolean {
  return hostCgroupLayout().hierarchies.some((h) => h.controllers.includes(name));
}

export function registerLimitTests(opts: { cpuset: boolean }): void {
  test('a memory hog over the limit is OOM-killed and events reports the OOM', async (t) => {
    if (requires(t, { root: true })) return;
    const env = containerEnv((s) => {
      s.linux!.resources = { memory: { limit: 32 * 1024 * 1024, swap: 32 * 1024 * 1024 } };
      s.process!.args = ['sh', '-c', 'while [ ! -e /tmp/go ]; do sleep 0.05; done; /probes/memhog 128; echo "hog=$?"; sleep 1'];
    });
    const probes = buildProbes();
    probes.install(env.bundle.rootfs);
    probes.remove();
    try {
      assert.equal(env.rt('run', '-d', env.id).code, 0);
      // the hog starts once events has printed its first stats, so the watcher is surely running
      // (a fixed wait was too short for Node's start-up in the loaded v2 guest: the OOM came first)
      let eventsOut = '';
      const events = runtimeAsync(env.root, ['events', '--interval', '200ms', env.id], { onStdout: (all) => (eventsOut = all) });
      await waitFor(() => eventsOut.includes('\n'), 30_000);
      writeFileSync(join(env.bundle.rootfs, 'tmp', 'go'), '');
      const r = await events;
      const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
      assert.ok(lines.some((e) => e.type === 'oom' && e.id === env.id), `no oom event in ${r.stdout.slice(0, 2000)}`);
      assert.ok(lines.some((e) => e.type === 'stats'));
    } finally {
      env.cleanup();
    }
  });

  test('a fork loop stops at pids.limit', (t) => {
    if (requires(t, { root: true })) return;
    const env = containerEnv((s) => {
      s.linux!.resources = { pids: { limit: 8 } };
      s.process!.args = ['sleep', '60'];
    });
    try {
      assert.equal(env.rt('run', '-d', env.id).code, 0);
      // busybox sh gives up (status 2) at the first fork the kernel refuses
      const bomb = env.rt('exec', env.id, 'sh', '-c', 'i=0; while [ $i -lt 50 ]; do sleep 30 & i=$((i+1)); done');
      assert.equal(bomb.code, 2);
      assert.match(bomb.stderr, /can't fork/);
      const pids = JSON.parse(env.rt('ps', '-f', 'json', env.id).stdout) as number[];
      assert.ok(pids.length <= 8 && pids.length >= 6, `pids.limit is 8, the container has ${pids.length} processes`);
      assert.equal(String(stats(env).data['pids'].limit), '8');
    } finally {
      env.cleanup();
    }
  });

  test('a busy loop under a 0.5 CPU quota uses about half a CPU', async (t) => {
    if (requires(t, { root: true })) return;
    const env = containerEnv((s) => {
      s.linux!.resources = { cpu: { quota: 50_000, period: 100_000 } };
      s.process!.args = ['sh', '-c', 'while :; do :; done'];
    });
    try {
      assert.equal(env.rt('run', '-d', env.id).code, 0);
      await new Promise((r) => setTimeout(r, 300));
      const u0 = BigInt(stats(env).data['cpu'].usage.total);
      const t0 = process.hrtime.bigint();
      await new Promise((r) => setTimeout(r, 3000));
      const u1 = BigInt(stats(env).data['cpu'].usage.total);
      const t1 = process.hrtime.bigint();
      const share = Number(u1 - u0) / Number(t1 - t0);
      // loose bounds: a behaviour test on a shared machine, not a timing test. The upper one is
      // the limit; the lower one only says the loop ran (other tests share the CPUs)
      assert.ok(share > 0.2 && share < 0.65, `CPU share ${share.toFixed(2)}, expected about 0.5 and never above the quota`);
    } finally {
      env.cleanup();
    }
  });

  if (opts.cpuset) {
    test('cpuset pins the container to the given CPUs', (t) => {
      if (requires(t, { root: true })) return;
      if (!hasController('cpuset')) return t.skip('no cpuset controller on this host');
      const r = runInContainer((s) => {
        s.linux!.resources = { cpu: { cpus: '0' } };
        s.process!.args = ['sh', '-c', 'grep Cpus_allowed_list /proc/self/status'];
      });
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /Cpus_allowed_list:\s+0$/m);
    });
  }

  test('a denied device cannot be opened even after mknod, while /dev/null works', (t) => {
    if (requires(t, { root: true })) return;
    const r = runInContainer((s) => {
      // docker's rules: any device may be made, only the default ones used
      s.linux!.resources = { devices: [{ allow: false, access: 'rwm' }, { allow: true, type: 'c', access: 'm' }, { allow: true, type: 'b', access: 'm' }] };
      s.process!.args = ['sh', '-c', 'mknod /tmp/mem c 1 1 && echo made; head -c 1 /tmp/mem >/dev/null 2>&1; echo rc=$?; echo x > /dev/null && echo null-works'];
    });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'made\nrc=1\nnull-works\n');
  });

  test('pause stops a counter from advancing, resume restarts it; state says paused', async (t) => {
    if (requires(t, { root: true })) return;
    const env = containerEnv(shell('i=0; while :; do i=$((i+1)); echo $i > /tmp/count; sleep 0.02; done'));
    const count = (): number => Number(readFileSync(join(env.bundle.rootfs, 'tmp', 'count'), 'utf8') || 0);
    try {
      assert.equal(env.rt('run', '-d', env.id).code, 0);
      await waitFor(() => existsSync(join(env.bundle.rootfs, 'tmp', 'count')) && count() > 2);
      assert.equal(env.rt('pause', env.id).code, 0);
      assert.equal(JSON.parse(env.rt('state', env.id).stdout).status, 'paused');
      const frozen = count();
      await new Promise((r) => setTimeout(r, 500));
      assert.equal(count(), frozen, 'the counter moved while paused');
      assert.match(env.rt('pause', env.id).stderr, /it is paused, not running/);
      assert.equal(env.rt('resume', env.id).code, 0);
      await waitFor(() => count() > frozen + 2);
      assert.equal(JSON.parse(env.rt('state', env.id).stdout).status, 'running');
      assert.match(env.rt('resume', env.id).stderr, /it is running, not paused/);
      // a paused container can be deleted with --force: it is thawed after the kill
      assert.equal(env.rt('pause', env.id).code, 0);
      assert.equal(env.rt('delete', '--force', env.id).code, 0);
    } finally {
      env.cleanup();
    }
  });

  test('update changes live limits and events --stats shows them', (t) => {
    if (requires(t, { root: true })) return;
    const env = containerEnv((s) => {
      s.linux!.resources = { memory: { limit: 128 * 1024 * 1024 }, pids: { limit: 50 } };
      s.process!.args = ['sleep', '30'];
    });
    try {
      assert.equal(env.rt('run', '-d', env.id).code, 0);
      assert.equal(String(stats(env).data['memory'].usage.limit), String(128 * 1024 * 1024));
      const u = env.rt('update', '--memory', '64m', '--pids-limit', '20', env.id);
      assert.equal(u.code, 0, u.stderr);
      const s = stats(env).data;
      assert.equal(String(s['memory'].usage.limit), String(64 * 1024 * 1024));
      assert.equal(String(s['pids'].limit), '20');
      assert.match(env.rt('update', '--memory', '12x', env.id).stderr, /invalid value "12x" for --memory: expected a size such as 512m/);
      assert.match(env.rt('update', env.id).stderr, /at least one limit/);
    } finally {
      env.cleanup();
    }
  });

  test('a container with a 512k memory limit runs', (t) => {
    if (requires(t, { root: true })) return;
    const r = runInContainer((s) => {
      s.linux!.resources = { memory: { limit: 512 * 1024, swap: 512 * 1024 } };
      s.process!.args = ['echo', 'small'];
    });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'small\n');
  });
}
