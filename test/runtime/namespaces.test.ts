import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, readlinkSync, readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { runInContainer, containerEnv, shell } from '../helpers/container.ts';
import { requires } from '../helpers/requires.ts';

const NS = ['pid', 'net', 'ipc', 'uts', 'mnt', 'cgroup'];

test('the container has its own namespaces, and shares the ones it did not ask for', (t) => {
  if (requires(t, { root: true })) return;
  const r = runInContainer((s) => {
    s.process!.args = ['sh', '-c', `for n in ${NS.join(' ')}; do readlink /proc/self/ns/$n; done`];
    s.linux!.namespaces = s.linux!.namespaces!.filter((n) => n.type !== 'ipc');
  });
  assert.equal(r.code, 0, r.stderr);
  const inside = r.stdout.trim().split('\n');
  NS.forEach((n, i) => {
    const host = readlinkSync(`/proc/self/ns/${n}`);
    if (n === 'ipc') assert.equal(inside[i], host, 'ipc was not asked for: shared with the host');
    else assert.notEqual(inside[i], host, `${n} namespace must differ from the host's`);
  });
});

test('the container process is PID 1 of its pid namespace', (t) => {
  if (requires(t, { root: true })) return;
  const r = runInContainer(shell('echo $$; cat /proc/1/cmdline | tr "\\0" " "'));
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(r.stdout.split('\n'), ['1', 'sh -c echo $$; cat /proc/1/cmdline | tr "\\0" " " ']);
});

test('hostname and domainname are the container\'s own', (t) => {
  if (requires(t, { root: true })) return;
  const r = runInContainer((s) => {
    s.hostname = 'box-one';
    s.domainname = 'example.test';
    s.process!.args = ['sh', '-c', 'hostname; cat /proc/sys/kernel/domainname'];
  });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'box-one\nexample.test\n');
  assert.notEqual(readFileSync('/proc/sys/kernel/hostname', 'utf8').trim(), 'box-one');
});

test('a user namespace maps container root to an unprivileged host uid', async (t) => {
  if (requires(t, { root: true })) return;
  const env = containerEnv((s) => {
    s.linux!.namespaces!.push({ type: 'user' });
    s.linux!.uidMappings = [{ containerID: 0, hostID: 200000, size: 65536 }];
    s.linux!.gidMappings = [{ containerID: 0, hostID: 200000, size: 65536 }];
    s.process!.args = ['sh', '-c', 'cat /proc/self/uid_map /proc/self/gid_map; id -u; id -g; exec sleep 30'];
  });
  // as runc requires, the rootfs belongs to the container's root and its path is traversable by it
  chmodSync(env.bundle.dir, 0o711);
  execFileSync('chown', ['-R', '200000:200000', env.bundle.rootfs]);
  try {
    const c = env.rt('create', env.id);
    assert.equal(c.code, 0, c.stderr);
    const pid = Number(JSON.parse(env.rt('state', env.id).stdout).pid);
    assert.equal(env.rt('start', env.id).code, 0);
    // from the host, the container's root is uid 200000
    let status = '';
    for (let i = 0; i < 100 && !/sleep/.test(readFileSync(`/proc/${pid}/cmdline`, 'utf8')); i++) await new Promise((r) => setTimeout(r, 20));
    status = readFileSync(`/proc/${pid}/status`, 'utf8');
    assert.match(status, /^Uid:\s+200000\s+200000\s+200000\s+200000$/m);
    assert.match(status, /^Gid:\s+200000\s+200000\s+200000\s+200000$/m);
    assert.notEqual(readlinkSync(`/proc/${pid}/ns/user`), readlinkSync('/proc/self/ns/user'));
    const maps = readFileSync(`/proc/${pid}/uid_map`, 'utf8').trim().split(/\s+/);
    assert.deepEqual(maps, ['0', '200000', '65536']);
  } finally {
    env.cleanup();
  }
});

test('namespaces given by path are joined: a second container shares the first one\'s network and uts', async (t) => {
  if (requires(t, { root: true })) return;
  const a = containerEnv((s) => {
    s.hostname = 'first';
    s.process!.args = ['sleep', '30'];
  });
  try {
    assert.equal(a.rt('run', '-d', a.id).code, 0);
    const pid = JSON.parse(a.rt('state', a.id).stdout).pid as number;
    const r = runInContainer((s) => {
      s.hostname = undefined as unknown as string;
      delete s.hostname;
      s.linux!.namespaces = s.linux!.namespaces!.map((n) => (n.type === 'network' || n.type === 'uts' ? { type: n.type, path: `/proc/${pid}/ns/${n.type === 'network' ? 'net' : 'uts'}` } : n));
      s.process!.args = ['sh', '-c', 'hostname; readlink /proc/self/ns/net'];
    });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.stdout.trim().split('\n'), ['first', readlinkSync(`/proc/${pid}/ns/net`)]);
  } finally {
    a.cleanup();
  }
});

test('a namespace path of the wrong type is refused with the field named', (t) => {
  if (requires(t, { root: true })) return;
  const r = runInContainer((s) => {
    s.linux!.namespaces = s.linux!.namespaces!.map((n) => (n.type === 'network' ? { type: 'network', path: '/proc/self/ns/uts' } : n));
  });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /linux\.namespaces\[1\] \(network namespace "\/proc\/self\/ns\/uts"\).*invalid argument \(EINVAL\)/);
});

test('a time namespace moves the container\'s boottime and monotonic clocks', (t) => {
  if (requires(t, { root: true, file: '/proc/self/ns/time' })) return;
  const r = runInContainer((s) => {
    s.linux!.namespaces!.push({ type: 'time' });
    s.linux!.timeOffsets = { boottime: { secs: 86400 * 365 }, monotonic: { secs: 86400 * 365 } };
    s.process!.args = ['cat', '/proc/uptime'];
  });
  assert.equal(r.code, 0, r.stderr);
  const inside = Number(r.stdout.split(' ')[0]);
  const host = Number(readFileSync('/proc/uptime', 'utf8').split(' ')[0]);
  assert.ok(Math.abs(inside - host - 86400 * 365) < 60, `uptime inside ${inside}, host ${host}`);
});
