import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { requires } from '../helpers/requires.ts';

// Real cgroup v2 for this hybrid machine: boots the cgroup v2-only user-mode-linux guest of
// scripts/in-cgroup2-vm.sh (the checkout shared at the same path) and runs test/cgroup2/ there
// with this checkout's Node 24 (the guest's /usr/bin/node is the host's 20): the cgroup manager,
// berth-runtime's limits, and the engine with each of its runtimes (berth's, runc, crun). Setup:
//   apt-get install -y --no-install-recommends user-mode-linux kmod

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const UML = ['/usr/bin/linux.uml', '/usr/local/bin/linux.uml'].find((p) => existsSync(p));

test('the cgroup v2 suite passes in a cgroup v2-only guest', { timeout: 20 * 60 * 1000 }, (t) => {
  if (requires(t, { root: true })) return;
  if (!UML) {
    t.skip('needs user-mode-linux (apt-get install -y --no-install-recommends user-mode-linux)');
    return;
  }
  // the device tests load their eBPF program through the real helper
  execFileSync('make', ['-s', '-C', join(repo, 'native'), `OUT=${join(repo, 'native', 'build')}`], { stdio: 'inherit' });
  const r = spawnSync(
    join(repo, 'scripts', 'in-cgroup2-vm.sh'),
    // /tmp on a tmpfs: the engine's tests keep their stores there, and overlay refuses an upper
    // directory on the guest's own overlay root
    ['-t', '900', '--tmpfs', '/tmp', '-e', `BERTH_LIBEXEC=${join(repo, 'native', 'build')}`, 'node_modules/.bin/node --test --test-reporter=tap test/cgroup2/*.test.ts'],
    { cwd: repo, encoding: 'utf8', maxBuffer: 64 << 20 },
  );
  const out = `${r.stdout}${r.stderr}`;
  const summary = out.split('\n').filter((l) => /^# (tests|pass|fail|skipped|duration_ms) /.test(l));
  for (const l of summary) t.diagnostic(`guest: ${l.slice(2)}`);
  assert.equal(r.status, 0, `the guest run failed (exit ${r.status}):\n${out.slice(-8000)}`);
  assert.match(out, /^# fail 0$/m);
  // inside the guest nothing may skip: a skip there means the v2 paths did not really run
  assert.match(out, /^# skipped 0$/m, out.slice(-4000));
  assert.match(out, /^# pass [1-9]\d*$/m);
});
