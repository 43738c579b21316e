// berth update: limits changed live through the runtime (read back from the container's own
// cgroup files) and kept in HostConfig; docker's refusals.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { sandbox } from '../helpers/berth-sandbox.ts';

const sb = sandbox();
after(() => sb.finish());

const cgroup = async (name: string, file: string): Promise<string> => (await sb.run(0, 'exec', name, 'cat', `/sys/fs/cgroup/${file}`)).stdout.trim();

test('update a running container: memory, swap, pids, cpus and shares take effect and are recorded', async () => {
  await sb.run(0, 'run', '-d', '--name', 'up1', '--memory', '64m', 'busybox', 'sleep', '1000');
  const r = await sb.run(0, 'update', '--memory', '128m', '--memory-swap', '256m', '--pids-limit', '20', '--cpus', '0.5', '--cpu-shares', '512', 'up1');
  assert.equal(r.stdout, 'up1\n');
  assert.equal(await cgroup('up1', 'memory/memory.limit_in_bytes'), String(128 * 1024 * 1024));
  assert.equal(await cgroup('up1', 'memory/memory.memsw.limit_in_bytes'), String(256 * 1024 * 1024));
  assert.equal(await cgroup('up1', 'pids/pids.max'), '20');
  assert.equal(await cgroup('up1', 'cpu/cpu.cfs_quota_us'), '50000');
  assert.equal(await cgroup('up1', 'cpu/cpu.cfs_period_us'), '100000');
  assert.equal(await cgroup('up1', 'cpu/cpu.shares'), '512');
  assert.equal(await sb.field('up1', '{{.HostConfig.Memory}} {{.HostConfig.MemorySwap}} {{.HostConfig.PidsLimit}} {{.HostConfig.NanoCpus}} {{.HostConfig.CpuShares}}'), `${128 * 1024 * 1024} ${256 * 1024 * 1024} 20 500000000 512`);
  const stats = await sb.run(0, 'stats', '--no-stream', '--format', '{{.MemUsage}}', 'up1');
  assert.match(stats.stdout, /\/ 128MiB\n$/);
});

test('pids limit -1 is unlimited; a memory reservation and blkio weight are kept', async () => {
  await sb.run(0, 'update', '--pids-limit', '-1', '--memory-reservation', '32m', '--blkio-weight', '300', 'up1');
  assert.equal(await cgroup('up1', 'pids/pids.max'), 'max');
  assert.equal(await cgroup('up1', 'memory/memory.soft_limit_in_bytes'), String(32 * 1024 * 1024));
  assert.equal(await sb.field('up1', '{{.HostConfig.PidsLimit}} {{.HostConfig.MemoryReservation}} {{.HostConfig.BlkioWeight}}'), `-1 ${32 * 1024 * 1024} 300`);
});

test('update a stopped container: the record changes, the next start applies it; --restart too', async () => {
  await sb.run(0, 'create', '--name', 'up2', 'busybox', 'sleep', '1000');
  await sb.run(0, 'update', '--memory', '48m', '--restart', 'on-failure:3', 'up2');
  assert.equal(await sb.field('up2', '{{.HostConfig.Memory}} {{.HostConfig.RestartPolicy.Name}} {{.HostConfig.RestartPolicy.MaximumRetryCount}}'), `${48 * 1024 * 1024} on-failure 3`);
  await sb.run(0, 'start', 'up2');
  assert.equal(await cgroup('up2', 'memory/memory.limit_in_bytes'), String(48 * 1024 * 1024));
  await sb.run(0, 'update', '--restart', 'always', 'up2');
  assert.equal(await sb.field('up2', '{{.HostConfig.RestartPolicy.Name}}'), 'always');
  await sb.run(0, 'rm', '-f', 'up2');
});

test('refusals: no flag, bad values, conflicts, --restart on --rm, a missing container', async () => {
  const none = await sb.run(1, 'update', 'up1');
  assert.equal(none.stderr, 'Error: you must provide one or more flags when using this command\n');
  const bad = await sb.run(125, 'update', '--memory', 'lots', 'up1');
  assert.match(bad.stderr, /invalid value "lots" for --memory/);
  const unknown = await sb.run(125, 'update', '--kernel-memory-thing', '1', 'up1');
  assert.match(unknown.stderr, /unknown flag: --kernel-memory-thing/);
  const conflict = await sb.run(1, 'update', '--cpu-quota', '20000', 'up1');
  assert.match(conflict.stderr, /^Error response from daemon: Cannot update container [0-9a-f]{64}: Conflicting options: CPU Quota cannot be updated as NanoCPUs has already been set\n$/);
  const swap = await sb.run(1, 'update', '--memory', '512m', 'up1');
  assert.match(swap.stderr, /Memory limit should be smaller than already set memoryswap limit, update the memoryswap at the same time/);
  await sb.run(0, 'run', '-d', '--rm', '--name', 'up3', 'busybox', 'sleep', '1000');
  const rm = await sb.run(1, 'update', '--restart', 'always', 'up3');
  assert.match(rm.stderr, /Restart policy cannot be updated because AutoRemove is enabled for the container/);
  await sb.run(0, 'rm', '-f', 'up3');
  const missing = await sb.run(1, 'update', '--memory', '64m', 'nosuch-up', 'up1');
  assert.equal(missing.stdout, 'up1\n');
  assert.equal(missing.stderr, 'Error response from daemon: No such container: nosuch-up\n');
  // a refused update changed nothing
  assert.equal(await cgroup('up1', 'memory/memory.limit_in_bytes'), String(64 * 1024 * 1024));
});
