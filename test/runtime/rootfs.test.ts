import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runInContainer, shell, containerEnv } from '../helpers/container.ts';
import { requires } from '../helpers/requires.ts';
import { hostCgroupLayout } from '../../src/runtime/cgroups/detect.ts';

test('a read-only root refuses writes; a writable one takes them', (t) => {
  if (requires(t, { root: true })) return;
  const ro = runInContainer((s) => {
    s.root!.readonly = true;
    s.process!.args = ['sh', '-c', 'touch /file 2>&1; echo rc=$?; awk \'$5 == "/" {print $6}\' /proc/self/mountinfo'];
  });
  assert.equal(ro.code, 0, ro.stderr);
  assert.match(ro.stdout, /Read-only file system\nrc=1\n/);
  assert.match(ro.stdout, /\nro,/, 'the root mount is read-only in mountinfo');
  const rw = runInContainer(shell('touch /file && echo written'));
  assert.equal(rw.stdout, 'written\n');
});

test('masked paths cannot be read; read-only paths cannot be written', (t) => {
  if (requires(t, { root: true })) return;
  // runc's masked paths that this host has (/proc/kcore is missing on some kernels)
  const files = ['/proc/keys', '/proc/timer_list', '/proc/sched_debug', '/proc/kcore'].filter((f) => existsSync(f));
  const dirs = ['/sys/firmware', '/proc/acpi', '/proc/scsi'].filter((d) => existsSync(d));
  assert.ok(files.length > 0 && dirs.length > 0, 'this host has none of the usual masked paths');
  const r = runInContainer(
    shell(`for f in ${files.join(' ')}; do wc -c < $f; done; for d in ${dirs.join(' ')}; do ls -A $d | wc -l; done; echo 1 > /proc/sys/kernel/domainname 2>/dev/null; echo rc=$?; echo c > /proc/sysrq-trigger 2>/dev/null; echo rc=$?`),
  );
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(r.stdout.trim().split('\n'), [...files.map(() => '0'), ...dirs.map(() => '0'), 'rc=1', 'rc=1']);
});

test('mounts: a read-only bind of a host directory, a tmpfs with size and mode, proc, sysfs, mqueue, devpts', (t) => {
  if (requires(t, { root: true })) return;
  const host = mkdtempSync(join(tmpdir(), 'berth-bind-'));
  writeFileSync(join(host, 'hello'), 'from the host\n');
  try {
    const r = runInContainer((s) => {
      s.mounts!.push({ destination: '/data', type: 'bind', source: host, options: ['rbind', 'ro'] });
      s.mounts!.push({ destination: '/scratch', type: 'tmpfs', source: 'tmpfs', options: ['size=1m', 'mode=1770', 'noexec'] });
      s.mounts!.push({ destination: '/etc/hello', type: 'bind', source: join(host, 'hello'), options: ['bind'] });
      s.process!.args = ['sh', '-c', [
        'cat /data/hello',
        'touch /data/new 2>/dev/null; echo rc=$?',
        'stat -c %a /scratch',
        'df -k /scratch | tail -1 | awk "{print \\$2}"',
        'cat /etc/hello',
        'for m in /proc /sys /dev/mqueue /dev/pts /dev/shm; do awk -v m=$m \'$5 == m { sub(/.* - /, ""); print $1 }\' /proc/self/mountinfo; done',
      ].join('; ')];
    });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.stdout.trim().split('\n'), ['from the host', 'rc=1', '1770', '1024', 'from the host', 'proc', 'sysfs', 'mqueue', 'devpts', 'tmpfs']);
    assert.equal(existsSync(join(host, 'new')), false);
  } finally {
    rmSync(host, { recursive: true, force: true });
  }
});

test('a symlink in the image cannot send a mount outside the rootfs', (t) => {
  if (requires(t, { root: true })) return;
  const victim = mkdtempSync(join(tmpdir(), 'berth-victim-'));
  try {
    const env = containerEnv((s) => {
      s.mounts!.push({ destination: '/evil/sub', type: 'tmpfs', source: 'tmpfs' });
      s.process!.args = ['sh', '-c', 'grep -c " /evil/sub \\| ' + victim + '/sub " /proc/self/mountinfo; ls -d ' + victim + '/sub 2>&1'];
    });
    // an absolute symlink to a host directory, as a hostile image would ship
    symlinkSync(victim, join(env.bundle.rootfs, 'evil'));
    try {
      const r = env.rt('run', env.id);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(existsSync(join(victim, 'sub')), false, 'nothing may be created in the host directory the symlink names');
      assert.ok(existsSync(join(env.bundle.rootfs, victim, 'sub')), 'the mount point was made inside the rootfs instead');
    } finally {
      env.cleanup();
    }
  } finally {
    rmSync(victim, { recursive: true, force: true });
  }
});

test('default devices, config devices, /dev symlinks and a new devpts', (t) => {
  if (requires(t, { root: true })) return;
  const r = runInContainer((s) => {
    s.linux!.devices = [{ path: '/dev/custom', type: 'c', major: 1, minor: 3, fileMode: 0o600, uid: 7, gid: 8 }];
    s.process!.args = ['sh', '-c', [
      'for d in null zero full random urandom tty custom; do stat -c "%n %F %t,%T %a %u:%g" /dev/$d; done',
      'readlink /dev/fd; readlink /dev/stdin; readlink /dev/ptmx',
      'echo hi > /dev/null && echo null-works',
    ].join('; ')];
  });
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(r.stdout.trim().split('\n'), [
    '/dev/null character special file 1,3 666 0:0',
    '/dev/zero character special file 1,5 666 0:0',
    '/dev/full character special file 1,7 666 0:0',
    '/dev/random character special file 1,8 666 0:0',
    '/dev/urandom character special file 1,9 666 0:0',
    '/dev/tty character special file 5,0 666 0:0',
    '/dev/custom character special file 1,3 600 7:8',
    '/proc/self/fd',
    '/proc/self/fd/0',
    'pts/ptmx',
    'null-works',
  ]);
});

test('a cgroup mount shows the container its own cgroups, read-only', (t) => {
  if (requires(t, { root: true })) return;
  // v1: a directory per hierarchy; v2: the container's cgroup2 directory itself
  const r = runInContainer(shell('ls /sys/fs/cgroup | sort | tr "\\n" " "; echo; d=/sys/fs/cgroup/pids; [ -e $d ] || d=/sys/fs/cgroup; grep -cx 1 $d/cgroup.procs; mkdir $d/x 2>/dev/null; echo rc=$?'));
  assert.equal(r.code, 0, r.stderr);
  const [dirs, hasInit, rc] = r.stdout.trim().split('\n');
  if (hostCgroupLayout().mode === 'v2') {
    assert.match(dirs!, /\bcgroup\.procs\b/);
  } else {
    assert.match(dirs!, /\bpids\b/);
    assert.match(dirs!, /\bmemory\b/);
  }
  assert.equal(hasInit, '1', 'the pids hierarchy is the container\'s own cgroup: its pid 1 is there');
  assert.equal(rc, 'rc=1');
});

test('sysctls are set in the container\'s namespaces, not on the host', (t) => {
  if (requires(t, { root: true })) return;
  const before = readFileSync('/proc/sys/net/ipv4/ip_unprivileged_port_start', 'utf8');
  const r = runInContainer((s) => {
    s.linux!.sysctl = { 'net.ipv4.ip_unprivileged_port_start': '80', 'kernel.msgmax': '4096' };
    s.process!.args = ['sh', '-c', 'cat /proc/sys/net/ipv4/ip_unprivileged_port_start /proc/sys/kernel/msgmax'];
  });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, '80\n4096\n');
  assert.equal(readFileSync('/proc/sys/net/ipv4/ip_unprivileged_port_start', 'utf8'), before);
});

test('rootfsPropagation sets the propagation of the container\'s root mount', (t) => {
  if (requires(t, { root: true })) return;
  for (const [prop, tag] of [['shared', /shared:/], ['private', /^(?!.*(shared|master):)/]] as const) {
    const r = runInContainer((s) => {
      s.linux!.rootfsPropagation = prop;
      s.process!.args = ['sh', '-c', 'awk \'$5 == "/"\' /proc/self/mountinfo'];
    });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, tag, `${prop}: ${r.stdout}`);
  }
});

test('--no-pivot chroots into the rootfs; exec joins the same root', (t) => {
  if (requires(t, { root: true })) return;
  const env = containerEnv((s) => {
    s.process!.args = ['sleep', '30'];
  });
  mkdirSync(join(env.bundle.rootfs, 'marker-dir'));
  try {
    assert.equal(env.rt('run', '-d', '--no-pivot', env.id).code, 0);
    const r = env.rt('exec', env.id, 'ls', '-d', '/marker-dir');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '/marker-dir\n');
  } finally {
    env.cleanup();
  }
});
