// This machine has neither AppArmor nor SELinux. A config that asks for a profile or a label must
// not run unconfined behind the user's back: berth-runtime refuses it through the CLI with a
// message naming the field, exit 1, and leaves nothing behind (containerEnv's cleanup checks
// state, cgroups and mounts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { containerEnv } from '../helpers/container.ts';
import { requires } from '../helpers/requires.ts';
import type { Spec } from '../../src/oci/runtime-spec.ts';

const hasAppArmor = existsSync('/sys/kernel/security/apparmor');
const hasSelinux = existsSync('/sys/fs/selinux/enforce');

const CASES: { field: string; mutate: (s: Spec) => void; message: RegExp; skip: boolean }[] = [
  {
    field: 'process.apparmorProfile',
    mutate: (s) => (s.process!.apparmorProfile = 'docker-default'),
    message: /^process\.apparmorProfile: profile "docker-default" was asked for, but AppArmor is not enabled on this host$/m,
    skip: hasAppArmor,
  },
  {
    field: 'process.selinuxLabel',
    mutate: (s) => (s.process!.selinuxLabel = 'system_u:system_r:container_t:s0:c1,c2'),
    message: /^process\.selinuxLabel: label "system_u:system_r:container_t:s0:c1,c2" was asked for, but SELinux is not enabled on this host$/m,
    skip: hasSelinux,
  },
  {
    field: 'linux.mountLabel',
    mutate: (s) => (s.linux!.mountLabel = 'system_u:object_r:container_file_t:s0:c1,c2'),
    message: /^linux\.mountLabel: label "system_u:object_r:container_file_t:s0:c1,c2" was asked for, but SELinux is not enabled on this host$/m,
    skip: hasSelinux,
  },
];

for (const c of CASES) {
  test(`${c.field} on a host without it: create and run refuse it, exit 1, nothing left`, (t) => {
    if (requires(t, { root: true })) return;
    if (c.skip) {
      t.skip(`this host has the LSM ${c.field} asks for`);
      return;
    }
    for (const verb of ['create', 'run']) {
      const env = containerEnv(c.mutate);
      try {
        const r = env.rt(verb, env.id);
        assert.equal(r.code, 1, `${verb}: ${r.stderr}`);
        assert.match(r.stderr, c.message);
        assert.equal(r.stdout, '');
        assert.equal(env.rt('state', env.id).code, 1, 'no container was made');
      } finally {
        env.cleanup();
      }
    }
  });
}

test('exec with --apparmor, --process-label or a process.json asking for a profile is refused; the container is untouched', (t) => {
  if (requires(t, { root: true })) return;
  if (hasAppArmor || hasSelinux) {
    t.skip('this host has AppArmor or SELinux');
    return;
  }
  const env = containerEnv((s) => (s.process!.args = ['sleep', '30']));
  try {
    assert.equal(env.rt('run', '-d', env.id).code, 0);
    const a = env.rt('exec', '--apparmor', 'docker-default', env.id, 'true');
    assert.equal(a.code, 1);
    assert.match(a.stderr, /--apparmor "docker-default": AppArmor is not enabled on this host/);
    const l = env.rt('exec', '--process-label', 'system_u:system_r:container_t:s0', env.id, 'true');
    assert.equal(l.code, 1);
    assert.match(l.stderr, /--process-label "system_u:system_r:container_t:s0": SELinux is not enabled on this host/);
    const processFile = join(env.bundle.dir, 'process.json');
    writeFileSync(processFile, JSON.stringify({ ...env.bundle.spec.process, args: ['true'], apparmorProfile: 'docker-default' }));
    const p = env.rt('exec', '--process', processFile, env.id);
    assert.equal(p.code, 1);
    assert.match(p.stderr, /process\.apparmorProfile: profile "docker-default" was asked for, but AppArmor is not enabled on this host/);
    assert.equal(JSON.parse(env.rt('state', env.id).stdout).status, 'running');
    // the shell's own glob, no child: pid 1 (sleep) and the shell are all there is
    const ps = env.rt('exec', env.id, 'sh', '-c', 'echo /proc/[0-9]*');
    assert.equal(ps.stdout.trim().split(' ').length, 2, `no process was left in the container: ${ps.stdout}`);
  } finally {
    env.cleanup();
  }
});
