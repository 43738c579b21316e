import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { containerEnv, runInContainer } from '../helpers/container.ts';
import { requires } from '../helpers/requires.ts';
import { REPO } from '../helpers/busybox-rootfs.ts';

const helper = join(REPO, 'dist', 'berth-helper');
const digest = (): string => createHash('sha256').update(readFileSync(helper)).digest('hex');

// CVE-2019-5736: a container process opens /proc/<pid>/exe of a runtime process that entered
// its namespaces and writes through it to the runtime binary on the host. berth's helper runs
// from a sealed in-memory copy, so there is nothing of the host to reach.
test('the helper inside a container is a sealed memfd: writing through /proc/<pid>/exe fails and the host binary is unchanged', (t) => {
  if (requires(t, { root: true })) return;
  const before = digest();
  const victim = containerEnv((s) => (s.process!.args = ['sleep', '30']));
  try {
    // created, not started: the container's PID 1 is still the helper, waiting to exec
    assert.equal(victim.rt('create', victim.id).code, 0);
    const pid = JSON.parse(victim.rt('state', victim.id).stdout).pid as number;
    assert.match(readlinkSync(`/proc/${pid}/exe`), /^\/memfd:berth-helper \(deleted\)$/);
    // an attacker container in the same pid namespace, root, with the default capabilities
    const attack = runInContainer((s) => {
      s.linux!.namespaces = s.linux!.namespaces!.map((n) => (n.type === 'pid' ? { type: 'pid', path: `/proc/${pid}/ns/pid` } : n));
      s.process!.args = ['sh', '-c', 'readlink /proc/1/exe; for i in 1 2 3; do (echo pwned > /proc/1/exe) 2>/dev/null && echo WROTE; (printf pwned | dd of=/proc/1/exe conv=notrunc) 2>/dev/null && echo WROTE; done; echo done'];
    });
    assert.equal(attack.code, 0, attack.stderr);
    // the waiting helper is not dumpable (plan/init-hiding-steps.ts): the attacker cannot even
    // read where its exe points; test/security/breakout.test.ts tries the rest
    assert.equal(attack.stdout, 'done\n');
  } finally {
    victim.cleanup();
  }
  assert.equal(digest(), before, 'the helper binary on the host must not change');
});
