import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runInContainer, containerEnv } from '../helpers/container.ts';
import { requires } from '../helpers/requires.ts';

test('a profile\'s ERRNO rule is enforced with its errno, everything else allowed', (t) => {
  if (requires(t, { root: true })) return;
  const r = runInContainer((s) => {
    s.linux!.seccomp = { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['mkdir', 'mkdirat'], action: 'SCMP_ACT_ERRNO', errnoRet: 13 }] };
    s.process!.args = ['sh', '-c', 'mkdir /tmp/x 2>&1; echo rc=$?; touch /tmp/y && echo touched'];
  });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, "mkdir: can't create directory '/tmp/x': Permission denied\nrc=1\ntouched\n");
});

test('docker\'s default profile blocks unshare and mount even when the capability is added back', (t) => {
  if (requires(t, { root: true })) return;
  const script = 'unshare -m true 2>&1; echo rc=$?; mkdir -p /mnt && mount -t tmpfs none /mnt 2>&1; echo rc=$?';
  const withProfile = runInContainer((s) => {
    for (const set of ['bounding', 'effective', 'permitted'] as const) s.process!.capabilities![set]!.push('CAP_SYS_ADMIN');
    s.process!.args = ['sh', '-c', script];
  });
  assert.equal(withProfile.code, 0, withProfile.stderr);
  assert.deepEqual(withProfile.stdout.trim().split('\n').filter((l) => l.startsWith('rc=')), ['rc=1', 'rc=1']);
  assert.match(withProfile.stdout, /Operation not permitted/);
  const without = runInContainer((s) => {
    for (const set of ['bounding', 'effective', 'permitted'] as const) s.process!.capabilities![set]!.push('CAP_SYS_ADMIN');
    delete s.linux!.seccomp;
    s.process!.args = ['sh', '-c', script];
  });
  assert.deepEqual(without.stdout.trim().split('\n').filter((l) => l.startsWith('rc=')), ['rc=0', 'rc=0'], 'the capability alone allows both');
});

test('exec\'d processes get the container\'s filter too', (t) => {
  if (requires(t, { root: true })) return;
  const env = containerEnv((s) => {
    s.linux!.seccomp = { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['mkdir', 'mkdirat'], action: 'SCMP_ACT_ERRNO', errnoRet: 1 }] };
    s.process!.args = ['sleep', '30'];
  });
  try {
    assert.equal(env.rt('run', '-d', env.id).code, 0);
    const r = env.rt('exec', env.id, 'sh', '-c', 'mkdir /tmp/z 2>&1; echo rc=$?');
    assert.equal(r.stdout, "mkdir: can't create directory '/tmp/z': Operation not permitted\nrc=1\n");
  } finally {
    env.cleanup();
  }
});

test('an invalid profile is a create error naming the field, and leaves nothing behind', (t) => {
  if (requires(t, { root: true })) return;
  const r = runInContainer((s) => {
    s.linux!.seccomp = { defaultAction: 'SCMP_ACT_ERRNO', flags: ['SECCOMP_FILTER_FLAG_BOGUS'], syscalls: [] };
  });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /linux\.seccomp\.flags\[0\]/);
});

// The listener gets the filter's fd and the container process state (config-linux.md). This
// receiver takes both, prints the state and closes the fd: from then on the kernel answers the
// notified syscall with ENOSYS.
const LISTENER = `
import json, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind(sys.argv[1]); s.listen(1)
print('ready', flush=True)
c, _ = s.accept()
msg, fds, _, _ = socket.recv_fds(c, 65536, 1)
print(json.dumps(json.loads(msg)), flush=True)
`;

test('SCMP_ACT_NOTIFY sends the listener fd and the process state to listenerPath', async (t) => {
  if (requires(t, { root: true, file: '/usr/bin/python3', reason: 'the listener is written in python3' })) return;
  const dir = mkdtempSync(join(tmpdir(), 'berth-listener-'));
  const path = join(dir, 'listener.sock');
  const py = spawn('python3', ['-c', LISTENER, path], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  const ready = new Promise<void>((resolve) => py.stdout.on('data', (d: Buffer) => ((out += d.toString()), out.startsWith('ready\n') && resolve())));
  const done = new Promise<void>((resolve) => py.on('close', () => resolve()));
  await ready;
  try {
    const r = runInContainer((s) => {
      s.annotations = { a: 'b' };
      s.linux!.seccomp = {
        defaultAction: 'SCMP_ACT_ALLOW',
        listenerPath: path,
        listenerMetadata: 'meta-data',
        syscalls: [{ names: ['mkdir', 'mkdirat'], action: 'SCMP_ACT_NOTIFY' }],
      };
      s.process!.args = ['sh', '-c', 'sleep 0.3; mkdir /tmp/n 2>&1; echo rc=$?'];
    });
    await done;
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, "mkdir: can't create directory '/tmp/n': Function not implemented\nrc=1\n");
    const state = JSON.parse(out.split('\n')[1]!);
    assert.deepEqual(state.fds, ['seccompFd']);
    assert.equal(state.metadata, 'meta-data');
    assert.ok(state.pid > 0);
    assert.equal(state.state.pid, state.pid);
    assert.deepEqual(state.state.annotations, { a: 'b' });
  } finally {
    py.kill();
    rmSync(dir, { recursive: true, force: true });
  }
});
