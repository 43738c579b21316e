import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { planRootlessCgroups } from './rootless-cgroups.ts';
import type { CgroupDir } from '../cgroups/placement.ts';

const alice = { uid: 1000, gid: 1000, name: 'alice', rootless: true };

// A cgroup2 mount in a temporary directory: the delegated parent, its files, and the v1
// hierarchy a user may not write.
function fixture(subtree: string): { v1: CgroupDir; v2: CgroupDir; parent: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'berth-cg-'));
  const parent = join(dir, 'unified', 'user.slice');
  mkdirSync(parent, { recursive: true });
  writeFileSync(join(parent, 'cgroup.procs'), '');
  writeFileSync(join(parent, 'cgroup.subtree_control'), `${subtree}\n`);
  const v2: CgroupDir = { version: 2, controllers: [], mountPoint: join(dir, 'unified'), path: join(parent, 'c1'), relative: '/user.slice/c1' };
  const v1: CgroupDir = { version: 1, controllers: ['memory'], mountPoint: join(dir, 'memory'), path: join(dir, 'memory', 'c1'), relative: '/c1' };
  return { v1, v2, parent, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

test('without a delegated cgroup v2 directory there is no cgroup, and each limit asked for is named in a warning', () => {
  const f = fixture('memory pids');
  try {
    // the v1 hierarchies alone: nothing a user may be delegated
    const none = planRootlessCgroups([f.v1], { memory: { limit: 1 << 20 }, pids: { limit: 10 }, devices: [{ allow: false, access: 'rwm' }] }, alice);
    assert.deepEqual(none.dirs, []);
    assert.equal(none.resources, undefined);
    assert.deepEqual(none.warnings, ['rootless: linux.resources.memory, linux.resources.pids not applied: user "alice" (uid 1000) has no delegated cgroup v2 directory to put the container in (the cgroup hierarchies are root\'s), so it runs in the runtime\'s own cgroup']);
    // device rules alone (the default deny-all) are no reason to warn
    assert.deepEqual(planRootlessCgroups([f.v1], { devices: [{ allow: false, access: 'rwm' }] }, alice).warnings, []);
    // rules that would grant or narrow access are named
    assert.match(planRootlessCgroups([f.v1], { devices: [{ allow: false, access: 'rwm' }, { allow: true, type: 'c', major: 10, minor: 229, access: 'rwm' }] }, alice).warnings[0]!, /^rootless: linux\.resources\.devices not applied: device rules need root/);
  } finally {
    f.remove();
  }
});

test('a delegated v2 parent gets the container\'s cgroup; limits whose controller it does not offer are dropped with a warning', () => {
  const f = fixture('memory pids');
  try {
    const p = planRootlessCgroups([f.v1, f.v2], { memory: { limit: 1 << 20 }, pids: { limit: 10 }, blockIO: { weight: 100 }, cpu: { cpus: '0' }, devices: [{ allow: false, access: 'rwm' }] }, alice);
    assert.deepEqual(p.dirs, [f.v2]);
    assert.deepEqual(p.resources, { memory: { limit: 1 << 20 }, pids: { limit: 10 } });
    assert.equal(p.warnings.length, 1);
    assert.match(p.warnings[0]!, /^rootless: linux\.resources\.cpu \(needs cpuset\), linux\.resources\.blockIO \(needs io\) not applied: the delegated cgroup ".*user\.slice" does not offer those controllers \(its cgroup\.subtree_control has: memory pids\)$/);
  } finally {
    f.remove();
  }
});
