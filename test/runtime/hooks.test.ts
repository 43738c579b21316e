import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Hook } from '../../src/oci/runtime-spec.ts';
import { containerEnv, shell } from '../helpers/container.ts';
import { requires } from '../helpers/requires.ts';

// Each hook appends "<phase> <state json>" to a log. startContainer runs after pivot_root, inside
// the container, so the log lives in the rootfs and host hooks write it by its host path.
function logHook(phase: string, log: string, extra = ''): Hook {
  return { path: '/bin/sh', args: ['sh', '-c', `echo "${phase} $(cat)" >> ${log}${extra}`] };
}

test('hooks run in the lifecycle order with the state on stdin', async (t) => {
  if (requires(t, { root: true })) return;
  const env = containerEnv(shell('echo program >> /tmp/hooks.log'));
  const hostLog = join(env.bundle.rootfs, 'tmp', 'hooks.log');
  env.bundle.spec.annotations = { 'org.test': 'hooks' };
  env.bundle.spec.hooks = {
    prestart: [logHook('prestart', hostLog)],
    createRuntime: [logHook('createRuntime', hostLog)],
    createContainer: [logHook('createContainer', hostLog)],
    startContainer: [logHook('startContainer', '/tmp/hooks.log')],
    poststart: [logHook('poststart', hostLog)],
    poststop: [logHook('poststop', hostLog)],
  };
  env.bundle.write();
  try {
    assert.equal(env.rt('create', env.id).code, 0);
    const pid = JSON.parse(env.rt('state', env.id).stdout).pid as number;
    assert.equal(env.rt('start', env.id).code, 0);
    for (let i = 0; i < 300 && JSON.parse(env.rt('state', env.id).stdout).status !== 'stopped'; i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(env.rt('delete', env.id).code, 0);
    const lines = readFileSync(hostLog, 'utf8').trim().split('\n');
    const phases = lines.map((l) => l.split(' ')[0]);
    // the program and poststart race after start; everything else is ordered
    assert.deepEqual(phases.filter((p) => p !== 'program' && p !== 'poststart'), ['prestart', 'createRuntime', 'createContainer', 'startContainer', 'poststop']);
    assert.ok(phases.indexOf('poststart') > phases.indexOf('startContainer'));
    assert.ok(phases.includes('program'));
    for (const line of lines.filter((l) => !l.startsWith('program'))) {
      const [phase, ...json] = line.split(' ');
      const state = JSON.parse(json.join(' '));
      assert.equal(state.id, env.id, phase);
      assert.equal(state.bundle, env.bundle.dir, phase);
      assert.deepEqual(state.annotations, { 'org.test': 'hooks' }, phase);
      const expected = { prestart: 'created', createRuntime: 'created', createContainer: 'created', startContainer: 'created', poststart: 'running', poststop: 'stopped' }[phase!];
      assert.equal(state.status, expected, phase);
      if (phase !== 'poststop') assert.equal(state.pid, pid, phase);
    }
  } finally {
    env.cleanup();
  }
});

test('a failing prestart hook fails create, leaves nothing, and runs poststop', (t) => {
  if (requires(t, { root: true })) return;
  const env = containerEnv(shell('true'));
  const marker = join(env.bundle.dir, 'poststop-ran');
  env.bundle.spec.hooks = {
    prestart: [{ path: '/bin/sh', args: ['sh', '-c', 'echo no network for you >&2; exit 3'] }],
    poststop: [{ path: '/bin/sh', args: ['sh', '-c', `touch ${marker}`] }],
  };
  env.bundle.write();
  try {
    const r = env.rt('create', env.id);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /hooks\.prestart\[0\] \("\/bin\/sh"\): exited with status 3: no network for you/);
    assert.equal(existsSync(join(env.root, env.id)), false);
    assert.ok(existsSync(marker), 'poststop hooks run after a failed create (runtime.md lifecycle step 13)');
  } finally {
    env.cleanup();
  }
});

test('a failing createContainer hook (run by the helper in the container\'s namespaces) is reported with its output', (t) => {
  if (requires(t, { root: true })) return;
  const env = containerEnv(shell('true'));
  env.bundle.spec.hooks = { createContainer: [{ path: '/bin/sh', args: ['sh', '-c', 'echo inside hook failed; exit 9'] }] };
  env.bundle.write();
  try {
    const r = env.rt('run', env.id);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /hooks\.createContainer\[0\] \("\/bin\/sh"\): exited with status 9: inside hook failed/);
  } finally {
    env.cleanup();
  }
});

test('hook timeouts kill the hook and fail the operation', (t) => {
  if (requires(t, { root: true })) return;
  const env = containerEnv(shell('true'));
  env.bundle.spec.hooks = { createRuntime: [{ path: '/bin/sleep', args: ['sleep', '10'], timeout: 1 }] };
  env.bundle.write();
  try {
    const started = Date.now();
    const r = env.rt('run', env.id);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /hooks\.createRuntime\[0\] \("\/bin\/sleep"\): timed out after 1 s/);
    assert.ok(Date.now() - started < 8000);
  } finally {
    env.cleanup();
  }
});

test('a failing poststop hook is a warning: delete still succeeds and the other hooks run', (t) => {
  if (requires(t, { root: true })) return;
  const env = containerEnv(shell('true'));
  const marker = join(env.bundle.dir, 'second-ran');
  env.bundle.spec.hooks = { poststop: [{ path: '/bin/false' }, { path: '/bin/sh', args: ['sh', '-c', `touch ${marker}`] }] };
  env.bundle.write();
  try {
    const r = env.rt('run', env.id);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /warning: hooks\.poststop\[0\] \("\/bin\/false"\): exited with status 1/);
    assert.ok(existsSync(marker));
  } finally {
    env.cleanup();
  }
});

test('a failing poststart hook fails start and stops the container', async (t) => {
  if (requires(t, { root: true })) return;
  const env = containerEnv((s) => (s.process!.args = ['sleep', '30']));
  env.bundle.spec.hooks = { poststart: [{ path: '/bin/false' }] };
  env.bundle.write();
  try {
    assert.equal(env.rt('create', env.id).code, 0);
    const r = env.rt('start', env.id);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /hooks\.poststart\[0\] \("\/bin\/false"\): exited with status 1/);
    for (let i = 0; i < 300 && JSON.parse(env.rt('state', env.id).stdout).status !== 'stopped'; i++) await new Promise((res) => setTimeout(res, 10));
    assert.equal(JSON.parse(env.rt('state', env.id).stdout).status, 'stopped');
  } finally {
    env.cleanup();
  }
});
