// Ownership in a user namespace (run by root): the rootfs is chowned to the mapped range, as runc
// and podman without idmapped mounts expect; what the container makes on its rootfs and in a
// bind mount is the mapped ids' on the host; the runtime's own mounts belong to the container's
// root; devpts works without gid 5 mapped; a read-only bind keeps the flags the host locked.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { containerEnv, type Env } from '../helpers/container.ts';
import { requires } from '../helpers/requires.ts';
import type { Spec } from '../../src/oci/runtime-spec.ts';

const HOST = 4_000_000 + (process.pid % 1000) * 65536;

function usernsEnv(mutate: (s: Spec) => void, gidSize = 65536): Env {
  const env = containerEnv((s) => {
    s.linux!.namespaces!.push({ type: 'user' });
    s.linux!.uidMappings = [{ containerID: 0, hostID: HOST, size: 65536 }];
    s.linux!.gidMappings = [{ containerID: 0, hostID: HOST, size: gidSize }];
    mutate(s);
  });
  chmodSync(env.bundle.dir, 0o711);
  execFileSync('chown', ['-R', `${HOST}:${HOST}`, env.bundle.rootfs]);
  return env;
}

function run(env: Env): { stdout: string; stderr: string } {
  const r = env.rt('run', env.id);
  assert.equal(r.code, 0, r.stderr);
  return r;
}

test('files the container makes, on its rootfs and in a bind mount, are the mapped ids\' on the host', (t) => {
  if (requires(t, { root: true })) return;
  const vol = mkdtempSync(join(tmpdir(), 'berth-vol-'));
  chownSync(vol, HOST, HOST);
  const env = usernsEnv((s) => {
    s.mounts!.push({ destination: '/vol', type: 'bind', source: vol, options: ['rbind', 'rw'] });
    s.process!.args = ['sh', '-c', 'touch /tmp/root-file /vol/root-file; mkdir /new-dir; touch /vol/user-file; chown 1000:2000 /vol/user-file'];
  });
  try {
    run(env);
    const owner = (p: string): [number, number] => {
      const st = statSync(p);
      return [st.uid, st.gid];
    };
    assert.deepEqual(owner(join(env.bundle.rootfs, 'tmp', 'root-file')), [HOST, HOST]);
    assert.deepEqual(owner(join(env.bundle.rootfs, 'new-dir')), [HOST, HOST]);
    assert.deepEqual(owner(join(vol, 'root-file')), [HOST, HOST]);
    assert.deepEqual(owner(join(vol, 'user-file')), [HOST + 1000, HOST + 2000]);
  } finally {
    env.cleanup();
    rmSync(vol, { recursive: true, force: true });
  }
});

test('the runtime\'s own mounts (/dev, /dev/pts, /dev/shm, /dev/mqueue) belong to the container\'s root; a new pty to group tty', (t) => {
  if (requires(t, { root: true })) return;
  const env = usernsEnv((s) => {
    s.process!.args = ['sh', '-c', 'stat -c "%n %u %g" /dev /dev/pts /dev/shm /dev/mqueue /dev/pts/ptmx; exec 3<>/dev/ptmx; stat -c "%n %u %g" /dev/pts/0'];
  });
  try {
    const r = run(env);
    assert.deepEqual(r.stdout.trim().split('\n'), ['/dev 0 0', '/dev/pts 0 0', '/dev/shm 0 0', '/dev/mqueue 0 0', '/dev/pts/ptmx 0 0', '/dev/pts/0 0 5']);
    assert.equal(r.stderr, '');
  } finally {
    env.cleanup();
  }
});

test('a gid mapping without gid 5 works: devpts\'s gid=5 is dropped with a warning, new ptys get the opener\'s group', (t) => {
  if (requires(t, { root: true })) return;
  const env = usernsEnv((s) => {
    s.process!.args = ['sh', '-c', 'exec 3<>/dev/ptmx; stat -c "%n %u %g" /dev/pts/0'];
  }, 1);
  try {
    const r = run(env);
    assert.equal(r.stdout.trim(), '/dev/pts/0 0 0');
    assert.match(r.stderr, /mounts\[2\] \(destination "\/dev\/pts"\): gid=5 is dropped: gid 5 is not mapped in linux\.gidMappings, so new terminals belong to the group of the process that opens them/);
  } finally {
    env.cleanup();
  }
});

test('a read-only bind mount of a nosuid,nodev,noexec host mount is read-only and keeps the flags the host locked', (t) => {
  if (requires(t, { root: true })) return;
  const src = mkdtempSync(join(tmpdir(), 'berth-locked-'));
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'nosuid,nodev,noexec,mode=755', 'berth-locked', src]);
  try {
    mkdirSync(join(src, 'd'));
    const env = usernsEnv((s) => {
      // asks only for ro: in a user namespace, a remount without the host's nosuid/nodev/noexec
      // is refused (EPERM), and the helper retries keeping them (native/steps/fs.c)
      s.mounts!.push({ destination: '/locked', type: 'bind', source: src, options: ['rbind', 'ro'] });
      s.root!.readonly = true;
      s.process!.args = ['sh', '-c', 'grep " /locked " /proc/self/mountinfo | cut -d" " -f6; touch /locked/x 2>&1; touch /x 2>&1; cat /proc/self/mountinfo | grep " /proc/sys " | cut -d" " -f6'];
    });
    try {
      const r = run(env);
      const [flags, locked, root, procSys] = r.stdout.trim().split('\n');
      assert.deepEqual(flags!.split(',').sort(), ['nodev', 'noexec', 'nosuid', 'relatime', 'ro']);
      assert.match(locked!, /Read-only file system/);
      assert.match(root!, /Read-only file system/);
      assert.match(procSys!, /^ro,/, 'readonlyPaths are read-only in a user namespace too');
    } finally {
      env.cleanup();
    }
  } finally {
    execFileSync('umount', [src]);
    rmSync(src, { recursive: true, force: true });
  }
});

test('a process user outside the mappings is refused naming the field; a rootfs the container\'s root cannot reach is explained', (t) => {
  if (requires(t, { root: true })) return;
  const env = usernsEnv((s) => {
    s.process!.user = { uid: 70000, gid: 0 };
  });
  try {
    const r = env.rt('run', env.id);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /process\.user\.uid: uid 70000 is not mapped in linux\.uidMappings \(container uids 0-65535\)/);
  } finally {
    env.cleanup();
  }
  const closed = usernsEnv((s) => (s.process!.args = ['true']));
  chmodSync(closed.bundle.dir, 0o700);
  try {
    const r = closed.rt('run', closed.id);
    assert.equal(r.code, 1);
    assert.match(r.stderr, new RegExp(`the container's root \\(host uid ${HOST}\\) cannot search "${closed.bundle.dir}" \\(mode 0700, owner 0:0\\): make it searchable \\(chmod o\\+x "${closed.bundle.dir}"\\) or move the bundle`));
  } finally {
    closed.cleanup();
  }
});
