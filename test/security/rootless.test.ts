// berth-runtime run by a non-root user, as `runc --rootless` is: each test makes a throwaway
// user (useradd, ranges appended to /etc/subuid and /etc/subgid), runs the runtime as that user
// through setpriv, checks from inside the container and on the host, and removes the user and
// its lines again.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, rmdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { busyboxRootfs } from '../helpers/busybox-rootfs.ts';
import { assertNoLeaks, uniqueId } from '../helpers/container.ts';
import { requires } from '../helpers/requires.ts';
import { createTestUser, type IdRange, type TestUser } from '../helpers/test-user.ts';
import type { Spec } from '../../src/oci/runtime-spec.ts';

const BASE = 3_000_000 + (process.pid % 1000) * 4 * 65536;
let nextRange = 0;
const range = (): IdRange => ({ start: BASE + nextRange++ * 65536, count: 65536 });

const users: TestUser[] = [];
after(() => {
  for (const u of users) u.remove();
});

function user(r?: IdRange): TestUser {
  const u = createTestUser(r);
  users.push(u);
  return u;
}

interface UserBundle {
  dir: string;
  rootfs: string;
  id: string;
  root: string;
  edit(mutate: (s: Spec) => void): void;
  spec(): Spec;
  cleanup(): void;
}

// A bundle the user owns, with `berth-runtime spec --rootless`'s config written by that user;
// the rootfs belongs to `rootOwner` (the container's root on the host).
function userBundle(u: TestUser, rootOwner: number): UserBundle {
  const dir = mkdtempSync(join(tmpdir(), 'berth-rl-'));
  chownSync(dir, u.uid, u.gid);
  chmodSync(dir, 0o755);
  const rootfs = join(dir, 'rootfs');
  execFileSync('cp', ['-a', busyboxRootfs(), rootfs]);
  execFileSync('chown', ['-R', `${rootOwner}:${rootOwner}`, rootfs]);
  const spec = u.runtime(['spec', '--rootless'], { cwd: dir });
  assert.equal(spec.code, 0, spec.stderr);
  const id = uniqueId('rl');
  const root = join(u.xdg, 'berth-runtime');
  const b: UserBundle = {
    dir,
    rootfs,
    id,
    root,
    spec: () => JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as Spec,
    edit(mutate) {
      const s = b.spec();
      s.process!.terminal = false;
      mutate(s);
      writeFileSync(join(dir, 'config.json'), JSON.stringify(s, null, 2));
    },
    cleanup() {
      if (existsSync(join(root, id))) u.runtime(['delete', '--force', id]);
      assertNoLeaks(id, root, dir);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return b;
}

test('`spec --rootless` runs as the user: root inside is the user outside, files are the user\'s, state under $XDG_RUNTIME_DIR, no cgroup', (t) => {
  if (requires(t, { root: true, file: '/usr/bin/setpriv' })) return;
  const u = user();
  const b = userBundle(u, u.uid);
  const vol = join(b.dir, 'vol');
  mkdirSync(vol);
  chownSync(vol, u.uid, u.gid);
  try {
    b.edit((s) => {
      s.mounts!.push({ destination: '/vol', type: 'bind', source: vol, options: ['rbind', 'rw'] });
      // the spec's root is read-only: files go to the volume
      s.process!.args = ['sh', '-c', 'id -u; id -g; cat /proc/self/uid_map; touch /vol/made; touch /made 2>&1; echo ok'];
    });
    const r = u.runtime(['run', b.id], { cwd: b.dir });
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trim().split('\n');
    assert.deepEqual(lines.slice(0, 2), ['0', '0']);
    assert.deepEqual(lines[2]!.trim().split(/\s+/), ['0', String(u.uid), '1']);
    assert.match(lines[3]!, /Read-only file system/);
    const st = statSync(join(vol, 'made'));
    assert.deepEqual([st.uid, st.gid], [u.uid, u.gid], 'a file made by root in the container is the user\'s on the host');
    assert.equal(r.stderr, '', 'no warning for the spec\'s own config');
    // the state root was the user's runtime directory
    assert.ok(existsSync(b.root));
    assert.equal(statSync(b.root).uid, u.uid);
  } finally {
    b.cleanup();
  }
});

test('more than one id goes through newuidmap/newgidmap with the user\'s /etc/subuid range; exec, kill and delete work as the user', async (t) => {
  if (requires(t, { root: true, file: '/usr/bin/newuidmap' })) return;
  const r0 = range();
  const u = user(r0);
  const b = userBundle(u, r0.start);
  try {
    b.edit((s) => {
      s.linux!.uidMappings = [{ containerID: 0, hostID: r0.start, size: r0.count }];
      s.linux!.gidMappings = [{ containerID: 0, hostID: r0.start, size: r0.count }];
      s.root!.readonly = false;
      s.linux!.resources = { memory: { limit: 64 << 20 }, pids: { limit: 100 } };
      s.process!.args = ['sh', '-c', 'cat /proc/self/uid_map /proc/self/gid_map; touch /tmp/by-root; touch /tmp/by-1000; chown 1000:1000 /tmp/by-1000; exec sleep 30'];
    });
    const c = u.runtime(['run', '-d', b.id], { cwd: b.dir });
    assert.equal(c.code, 0, c.stderr);
    // limits cannot be applied without a delegated cgroup: said, by name
    assert.match(c.stderr, /rootless: linux\.resources\.memory, linux\.resources\.pids not applied: .* has no delegated cgroup v2 directory/);
    const state = JSON.parse(u.runtime(['state', b.id]).stdout) as { pid: number; status: string };
    assert.equal(state.status, 'running');
    for (let i = 0; i < 100 && !existsSync(join(b.rootfs, 'tmp', 'by-1000')); i++) await new Promise((r) => setTimeout(r, 20));
    const status = readFileSync(`/proc/${state.pid}/status`, 'utf8');
    assert.match(status, new RegExp(`^Uid:\\s+${r0.start}\\s`, 'm'), 'the container\'s root is the first id of the subuid range');
    assert.deepEqual(readFileSync(`/proc/${state.pid}/uid_map`, 'utf8').trim().split(/\s+/), ['0', String(r0.start), String(r0.count)]);
    const owner = (f: string): number[] => {
      const st = statSync(join(b.rootfs, 'tmp', f));
      return [st.uid, st.gid];
    };
    assert.deepEqual(owner('by-root'), [r0.start, r0.start]);
    assert.deepEqual(owner('by-1000'), [r0.start + 1000, r0.start + 1000]);
    // a process as uid 1000 inside is r0.start+1000 outside
    const e = u.runtime(['exec', '--user', '1000:1000', b.id, 'sh', '-c', 'id -u; cat /proc/self/status | grep ^Uid']);
    assert.equal(e.code, 0, e.stderr);
    assert.equal(e.stdout.split('\n')[0], '1000');
    // no cgroup: nothing to freeze, said so
    const pause = u.runtime(['pause', b.id]);
    assert.equal(pause.code, 1);
    assert.match(pause.stderr, /cannot pause container ".*": it has no cgroup to freeze \(a rootless container without a delegated cgroup v2 directory\)/);
    const stats = u.runtime(['events', '--stats', b.id]);
    assert.equal(stats.code, 0, stats.stderr);
    assert.equal(u.runtime(['kill', b.id, 'KILL']).code, 0);
    for (let i = 0; i < 100 && JSON.parse(u.runtime(['state', b.id]).stdout).status !== 'stopped'; i++) await new Promise((r) => setTimeout(r, 20));
    const d = u.runtime(['delete', b.id]);
    assert.equal(d.code, 0, d.stderr);
    assert.deepEqual(readdirSync(b.root).filter((n) => !n.startsWith('.')), []);
  } finally {
    b.cleanup();
  }
});

// The init is not dumpable while it runs the runtime's steps (breakout.test.ts), but a rootless
// runtime's prestart/createRuntime hooks (slirp4netns, say) must still open its namespaces.
test('a rootless runtime\'s createRuntime hook can open the container\'s namespaces', (t) => {
  if (requires(t, { root: true, file: '/usr/bin/setpriv' })) return;
  const u = user();
  const b = userBundle(u, u.uid);
  const hook = join(b.dir, 'hook.sh');
  const out = join(b.dir, 'hook.out');
  writeFileSync(hook, `#!/bin/sh\npid=$(sed 's/.*"pid":\\([0-9]*\\).*/\\1/')\nreadlink /proc/$pid/ns/uts > ${out} 2>&1\n`, { mode: 0o755 });
  chownSync(hook, u.uid, u.gid);
  try {
    b.edit((s) => {
      s.hooks = { createRuntime: [{ path: hook }] };
      s.process!.args = ['readlink', '/proc/self/ns/uts'];
    });
    const r = u.runtime(['run', b.id], { cwd: b.dir });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(readFileSync(out, 'utf8'), r.stdout, 'the hook saw the container\'s uts namespace');
    assert.match(r.stdout, /^uts:\[\d+\]\n$/);
  } finally {
    b.cleanup();
  }
});

// Each case: exit 1, a message that says what to fix, and nothing left behind.
function refused(u: TestUser, b: UserBundle, expect: RegExp, env?: Record<string, string | undefined>): void {
  const r = u.runtime(['run', b.id], { cwd: b.dir, ...(env ? { env } : {}) });
  assert.equal(r.code, 1, `expected a refusal, got ${r.code}: ${r.stdout}${r.stderr}`);
  assert.match(r.stderr, expect);
  assert.equal(existsSync(join(b.root, b.id)), false, 'no state left');
}

test('diagnostics: no /etc/subuid entry, a range too small, newuidmap missing or not setuid', (t) => {
  if (requires(t, { root: true, file: '/usr/bin/newuidmap' })) return;
  const none = user();
  const b1 = userBundle(none, none.uid);
  const fakebin = mkdtempSync(join(tmpdir(), 'berth-bin-'));
  try {
    b1.edit((s) => {
      s.linux!.uidMappings = [{ containerID: 0, hostID: 5_000_000, size: 65536 }];
      s.process!.args = ['true'];
    });
    refused(none, b1, new RegExp(`linux\\.uidMappings: user "${none.name}" \\(uid ${none.uid}\\) has no range in /etc/subuid, and mapping uids other than its own \\(${none.uid}\\) needs one: add a range \\(usermod --add-subuids 100000-165535 ${none.name}\\) or map only uid ${none.uid} \\(size 1\\)`));

    const r0 = range();
    const u = user({ start: r0.start, count: 1000 });
    const b = userBundle(u, r0.start);
    try {
      b.edit((s) => {
        s.linux!.uidMappings = [{ containerID: 0, hostID: r0.start, size: 65536 }];
        s.linux!.gidMappings = [{ containerID: 0, hostID: r0.start, size: 1000 }];
        s.process!.args = ['true'];
      });
      refused(u, b, new RegExp(`linux\\.uidMappings\\[0\\]: host uids ${r0.start}-${r0.start + 65535} \\(65536\\) are not all in user "${u.name}" \\(uid ${u.uid}\\)'s ranges in /etc/subuid \\(${r0.start}-${r0.start + 999}\\)`));
      b.edit((s) => (s.linux!.uidMappings = [{ containerID: 0, hostID: r0.start, size: 1000 }]));
      refused(u, b, /linux\.uidMappings: mapping uids other than your own needs newuidmap, which is not in PATH \(\/nonexistent\): install the uidmap package \(apt install uidmap\)/, { PATH: '/nonexistent' });
      // a copy without the setuid bit, first in PATH
      copyFileSync('/usr/bin/newuidmap', join(fakebin, 'newuidmap'));
      chmodSync(join(fakebin, 'newuidmap'), 0o755);
      chmodSync(fakebin, 0o755);
      refused(u, b, new RegExp(`linux\\.uidMappings \\(${fakebin}/newuidmap\\): ${fakebin}/newuidmap exited with status 1: newuidmap: .* \\(${fakebin}/newuidmap is not setuid root: reinstall the uidmap package`), { PATH: `${fakebin}:/usr/bin:/bin` });
    } finally {
      b.cleanup();
    }
  } finally {
    b1.cleanup();
    rmSync(fakebin, { recursive: true, force: true });
  }
});

test('diagnostics: a bundle the user or the container\'s root cannot reach, no $XDG_RUNTIME_DIR, no user namespace, a host sysctl', (t) => {
  if (requires(t, { root: true, file: '/usr/bin/newuidmap' })) return;
  const r0 = range();
  const u = user(r0);
  const b = userBundle(u, r0.start);
  const outer = mkdtempSync(join(tmpdir(), 'berth-closed-'));
  try {
    b.edit((s) => {
      s.linux!.uidMappings = [{ containerID: 0, hostID: r0.start, size: r0.count }];
      s.linux!.gidMappings = [{ containerID: 0, hostID: r0.start, size: r0.count }];
      s.process!.args = ['true'];
    });
    // the user may enter its bundle, the container's root (r0.start) may not
    chmodSync(b.dir, 0o700);
    refused(u, b, new RegExp(`root\\.path .*: permission denied \\(EACCES\\): the container's root \\(host uid ${r0.start}\\) cannot search "${b.dir}" \\(mode 0700, owner ${u.uid}:${u.gid}\\): make it searchable \\(chmod o\\+x "${b.dir}"\\) or move the bundle`));
    chmodSync(b.dir, 0o755);
    // the user itself may not enter the directory above the bundle
    const hidden = join(outer, 'bundle');
    execFileSync('cp', ['-a', b.dir, hidden]);
    chmodSync(outer, 0o700);
    const x = u.runtime(['run', '--bundle', hidden, `${b.id}-x`]);
    assert.equal(x.code, 1);
    assert.match(x.stderr, new RegExp(`reading "${hidden}/config\\.json": uid ${u.uid} cannot search "${outer}" \\(mode 0700, owner 0:0\\): make it searchable \\(chmod o\\+x "${outer}"\\) or move the bundle`));

    refused(u, b, /berth-runtime runs as uid \d+, not root, and XDG_RUNTIME_DIR is not set: set it \(usually \/run\/user\/\d+\) or pass --root <dir>/, { XDG_RUNTIME_DIR: undefined });
    b.edit((s) => {
      s.linux!.namespaces = s.linux!.namespaces!.filter((n) => n.type !== 'user');
      delete s.linux!.uidMappings;
      delete s.linux!.gidMappings;
    });
    refused(u, b, new RegExp(`linux\\.namespaces: berth-runtime runs as user "${u.name}" \\(uid ${u.uid}\\), not root: a rootless container needs a user namespace`));
    b.edit((s) => {
      s.linux!.namespaces!.push({ type: 'user' });
      s.linux!.uidMappings = [{ containerID: 0, hostID: u.uid, size: 1 }];
      s.linux!.gidMappings = [{ containerID: 0, hostID: u.gid, size: 1 }];
      s.linux!.sysctl = { 'vm.swappiness': '10' };
    });
    refused(u, b, /linux\.sysctl\.vm\.swappiness: is not namespaced: setting it would change the host, which a rootless container .* cannot do/);
    b.edit((s) => {
      s.linux!.sysctl = { 'kernel.shmmax': '1000000' };
      s.linux!.namespaces = s.linux!.namespaces!.filter((n) => n.type !== 'ipc');
    });
    refused(u, b, /linux\.sysctl\.kernel\.shmmax: belongs to the ipc namespace, which this rootless container shares with the host: add a new ipc namespace or drop the sysctl/);
    // newgidmap denies setgroups when a line maps the user's own gid alone (shadow's rule)
    b.edit((s) => {
      delete s.linux!.sysctl;
      s.linux!.gidMappings = [{ containerID: 0, hostID: u.gid, size: 1 }, { containerID: 1, hostID: r0.start, size: 65535 }];
      s.process!.user.additionalGids = [5];
    });
    refused(u, b, /process\.user\.additionalGids: setgroups is denied in a rootless user namespace/);
  } finally {
    rmSync(outer, { recursive: true, force: true });
    b.cleanup();
  }
});

// systemd's Delegate=yes, by hand: a cgroup v2 directory the user owns (the directory and its
// cgroup.procs, cgroup.subtree_control, cgroup.threads), with the runtime started in a leaf of it.
test('with a delegated cgroup v2 directory the container gets a cgroup of its own there, removed by delete', (t) => {
  if (requires(t, { root: true })) return;
  const mount = readFileSync('/proc/self/mountinfo', 'utf8').split('\n').map((l) => l.split(' ')).find((f) => f[f.indexOf('-') + 1] === 'cgroup2')?.[4];
  if (!mount) {
    t.skip('no cgroup2 mount on this host');
    return;
  }
  const u = user();
  const b = userBundle(u, u.uid);
  const deleg = join(mount, `berth-deleg-${process.pid}`);
  const leaf = join(deleg, 'runtime');
  mkdirSync(deleg);
  try {
    for (const f of ['', 'cgroup.procs', 'cgroup.subtree_control', 'cgroup.threads']) chownSync(join(deleg, f), u.uid, u.gid);
    mkdirSync(leaf);
    chownSync(leaf, u.uid, u.gid);
    chownSync(join(leaf, 'cgroup.procs'), u.uid, u.gid);
    b.edit((s) => {
      s.linux!.resources = { pids: { limit: 50 } };
      s.process!.args = ['sh', '-c', 'grep ^0:: /proc/self/cgroup'];
    });
    const r = u.runtime(['run', b.id], { cwd: b.dir, cgroupProcs: join(leaf, 'cgroup.procs') });
    assert.equal(r.code, 0, r.stderr);
    const rel = deleg.slice(mount.length);
    assert.equal(r.stdout.trim(), `0::${rel}/${b.id}`, 'the container ran in its own cgroup under the delegated one');
    const offered = readFileSync(join(deleg, 'cgroup.subtree_control'), 'utf8').trim();
    if (!offered.split(/\s+/).includes('pids')) assert.match(r.stderr, /rootless: linux\.resources\.pids \(needs pids\) not applied: the delegated cgroup .* does not offer that controller/);
    assert.equal(existsSync(join(deleg, b.id)), false, 'delete (run\'s end) removed the container\'s cgroup');
  } finally {
    b.cleanup();
    for (const d of [leaf, deleg]) if (existsSync(d)) rmdirSync(d);
  }
});
