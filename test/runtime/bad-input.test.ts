import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, existsSync, rmSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { containerEnv } from '../helpers/container.ts';
import { requires } from '../helpers/requires.ts';
import type { Spec } from '../../src/oci/runtime-spec.ts';

// Every bad input: exit 1, a message naming what is wrong, and nothing left behind (cleanup()
// asserts no state directory, cgroup or mount remains).
function refused(t: import('node:test').TestContext, pattern: RegExp, mutate: (s: Spec & Record<string, unknown>) => void, raw?: string): void {
  if (requires(t, { root: true })) return;
  const env = containerEnv(mutate as (s: Spec) => void);
  if (raw !== undefined) writeFileSync(join(env.bundle.dir, 'config.json'), raw);
  try {
    const r = env.rt('create', env.id);
    assert.equal(r.code, 1, `expected a failure, got ${r.code}: ${r.stderr}`);
    assert.match(r.stderr, pattern);
    assert.equal(r.stdout, '');
    assert.deepEqual(readdirSync(env.root).filter((f) => !f.startsWith('.')), [], 'no state directory may be left (the seccomp cache may be)');
  } finally {
    env.cleanup();
  }
}

test('invalid JSON', (t) => refused(t, /config\.json" is not valid JSON/, () => {}, '{"ociVersion": '));
test('missing process.user', (t) => refused(t, /^process\.user: is required$/m, (s) => delete (s.process as unknown as Record<string, unknown>).user));
test('a field of the wrong type', (t) => refused(t, /^process\.args\[0\]: expected a string, got a number$/m, (s) => ((s.process!.args as unknown[]) = [1])));
test('unknown namespace', (t) => refused(t, /linux\.namespaces\[6\]\.type: unknown namespace type "kitchen"/, (s) => s.linux!.namespaces!.push({ type: 'kitchen' as 'pid' })));
test('relative mount destination', (t) => refused(t, /mounts\[7\]\.destination: must be an absolute path, got "mnt"/, (s) => s.mounts!.push({ destination: 'mnt', type: 'tmpfs', source: 'tmpfs' })));
test('a rootfs that does not exist', (t) => refused(t, /root\.path: rootfs ".*\/nowhere" does not exist/, (s) => (s.root!.path = 'nowhere')));
test('a mount the kernel refuses is reported with its field and errno, after the cgroups were made', (t) =>
  refused(t, /mounts\[7\] \(destination "\/x"\): mount "none" on "\/x" \(type "nosuchfs"\): no such device \(ENODEV\)/, (s) => s.mounts!.push({ destination: '/x', type: 'nosuchfs', source: 'none' })));
test('a cwd that does not exist in the rootfs', (t) => refused(t, /process\.cwd "\/no\/such\/dir": chdir to "\/no\/such\/dir": no such file or directory \(ENOENT\)/, (s) => (s.process!.cwd = '/no/such/dir')));

test('an invalid container id and a missing bundle', (t) => {
  if (requires(t, { root: true })) return;
  const env = containerEnv();
  try {
    const bad = env.rt('create', '../escape');
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /invalid container id "\.\.\/escape"/);
    rmSync(join(env.bundle.dir, 'config.json'));
    const none = env.rt('create', env.id);
    assert.equal(none.code, 1);
    assert.match(none.stderr, /no config\.json in bundle/);
    assert.equal(existsSync(join(env.root, env.id)), false);
  } finally {
    env.cleanup();
  }
});

test('unknown flags and missing arguments are usage errors', (t) => {
  if (requires(t, { root: true })) return;
  const env = containerEnv();
  try {
    const r = env.rt('create', '--bogus', env.id);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /unknown option '--bogus'/);
    assert.match(env.rt('kill').stderr, /missing required argument 'container-id'/);
    assert.match(env.rt('create', '--preserve-fds', 'x', env.id).stderr, /invalid value "x" for --preserve-fds/);
  } finally {
    env.cleanup();
  }
});
