import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runInContainer, shell, containerEnv } from '../helpers/container.ts';
import { requires } from '../helpers/requires.ts';
import { RUNTIME, runtimeAsync } from '../helpers/runtime-cli.ts';
import { consoleReceiver } from '../helpers/console-socket.ts';
import { DOCKER_DEFAULT_CAPS } from '../../src/runtime/docker-defaults.ts';
import { capabilityNumber } from '../../src/runtime/capabilities.ts';

function hostHasCap(n: number): boolean {
  const bnd = /^CapBnd:\s+([0-9a-f]+)$/m.exec(readFileSync('/proc/self/status', 'utf8'))![1]!;
  return (BigInt(`0x${bnd}`) & (1n << BigInt(n))) !== 0n;
}

test('the exit status of the program is the exit status of run; a signal gives 128 + its number', async (t) => {
  if (requires(t, { root: true })) return;
  assert.equal(runInContainer(shell('exit 42')).code, 42);
  // PID 1 of a pid namespace cannot be killed from inside it: the signal comes from the host
  const env = containerEnv(shell('echo up > /tmp/up; exec sleep 30'));
  try {
    const run = runtimeAsync(env.root, ['run', env.id], { cwd: env.bundle.dir });
    for (let i = 0; i < 300 && !existsSync(join(env.bundle.rootfs, 'tmp', 'up')); i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(env.rt('kill', env.id, 'KILL').code, 0);
    assert.equal((await run).code, 137);
  } finally {
    env.cleanup();
  }
});

test('a program that cannot be found gives 127, one that cannot be run 126', (t) => {
  if (requires(t, { root: true })) return;
  const missing = runInContainer((s) => (s.process!.args = ['no-such-program']));
  assert.equal(missing.code, 127);
  assert.match(missing.stderr, /process\.args\[0\] "no-such-program": executable "no-such-program" in \$PATH: no such file or directory \(ENOENT\)/);
  const notExec = runInContainer((s) => (s.process!.args = ['/etc/passwd']));
  assert.equal(notExec.code, 126);
  assert.match(notExec.stderr, /permission denied \(EACCES\)/);
});

test('only fds 0, 1 and 2 reach the container, unless --preserve-fds passes more', (t) => {
  if (requires(t, { root: true })) return;
  for (const [preserve, expected] of [[0, ['0', '1', '2']], [2, ['0', '1', '2', '3', '4']]] as const) {
    const env = containerEnv((s) => (s.process!.args = ['sleep', '30']));
    const dir = mkdtempSync(join(tmpdir(), 'berth-fds-'));
    const extra = [openSync(join(dir, 'a'), 'w'), openSync(join(dir, 'b'), 'w'), openSync(join(dir, 'c'), 'w')];
    const err = openSync(join(dir, 'stderr'), 'w');
    try {
      // fds 3, 4 and 5 of berth-runtime are open (and not close-on-exec) files of the caller
      const r = spawnSync(RUNTIME, ['--root', env.root, 'run', '-d', '--preserve-fds', String(preserve), env.id], { cwd: env.bundle.dir, stdio: ['ignore', 'ignore', err, ...extra] });
      assert.equal(r.status, 0, readFileSync(join(dir, 'stderr'), 'utf8'));
      const pid = JSON.parse(env.rt('state', env.id).stdout).pid as number;
      assert.deepEqual(readdirSync(`/proc/${pid}/fd`).sort(), expected);
    } finally {
      [...extra, err].forEach(closeSync);
      rmSync(dir, { recursive: true, force: true });
      env.cleanup();
    }
  }
});

test('user, groups, umask, cwd and environment (HOME from /etc/passwd when not set)', (t) => {
  if (requires(t, { root: true })) return;
  const r = runInContainer((s) => {
    s.process!.user = { uid: 65534, gid: 65534, additionalGids: [5, 7], umask: 0o027 };
    s.process!.cwd = '/tmp';
    s.process!.env = ['PATH=/bin:/usr/bin', 'GREETING=hello world'];
    s.process!.args = ['sh', '-c', 'id; umask; pwd; echo "$GREETING"; echo $HOME'];
  });
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(r.stdout.trim().split('\n'), ['uid=65534(nobody) gid=65534(nogroup) groups=5(tty),7', '0027', '/tmp', 'hello world', '/nonexistent']);
});

test('rlimits are set; raising a hard limit without CAP_SYS_RESOURCE is reported clearly', (t) => {
  if (requires(t, { root: true })) return;
  const r = runInContainer((s) => {
    s.process!.rlimits = [{ type: 'RLIMIT_NOFILE', soft: 100, hard: 200 }, { type: 'RLIMIT_NPROC', soft: 50, hard: 60 }];
    s.process!.args = ['sh', '-c', 'ulimit -n; ulimit -Hn; ulimit -u'];
  });
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(r.stdout.trim().split('\n'), ['100', '200', '50']);
  const hard = Number(/Max open files\s+\d+\s+(\d+)/.exec(readFileSync('/proc/self/limits', 'utf8'))![1]);
  const over = runInContainer((s) => (s.process!.rlimits = [{ type: 'RLIMIT_NOFILE', soft: 1024, hard: hard + 1 }]));
  if (hostHasCap(24)) {
    assert.equal(over.code, 0, over.stderr);
  } else {
    // this development machine lacks CAP_SYS_RESOURCE in its bounding set
    assert.equal(over.code, 1);
    assert.match(over.stderr, /process\.rlimits\[0\] \(RLIMIT_NOFILE soft 1024 hard \d+\): setrlimit: operation not permitted \(EPERM\) \(raising a hard limit needs CAP_SYS_RESOURCE, which is not in this host's capability bounding set\)/);
  }
});

test('oomScoreAdj is applied to the container process', (t) => {
  if (requires(t, { root: true })) return;
  const current = Number(readFileSync('/proc/self/oom_score_adj', 'utf8'));
  const r = runInContainer((s) => {
    s.process!.oomScoreAdj = Math.min(1000, current + 100);
    s.process!.args = ['cat', '/proc/self/oom_score_adj'];
  });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(Number(r.stdout), Math.min(1000, current + 100));
  if (!hostHasCap(24)) {
    const lower = runInContainer((s) => (s.process!.oomScoreAdj = current - 100));
    assert.equal(lower.code, 1);
    assert.match(lower.stderr, /process\.oomScoreAdj \(-?\d+\): write \/proc\/\d+\/oom_score_adj: permission denied \(EACCES\) \(lowering oom_score_adj needs CAP_SYS_RESOURCE/);
  }
});

test('capabilities and no-new-privileges are as the config says', (t) => {
  if (requires(t, { root: true })) return;
  const r = runInContainer((s) => {
    s.process!.noNewPrivileges = true;
    s.process!.args = ['sh', '-c', 'grep -E "^(CapInh|CapPrm|CapEff|CapBnd|CapAmb|NoNewPrivs)" /proc/self/status'];
  });
  assert.equal(r.code, 0, r.stderr);
  // docker's 14 default capabilities
  const mask = DOCKER_DEFAULT_CAPS.reduce((m, c) => m | (1n << BigInt(capabilityNumber(c)!)), 0n).toString(16).padStart(16, '0');
  assert.deepEqual(r.stdout.trim().split('\n').map((l) => l.split(/\s+/)), [
    ['CapInh:', '0000000000000000'],
    ['CapPrm:', mask],
    ['CapEff:', mask],
    ['CapBnd:', mask],
    ['CapAmb:', '0000000000000000'],
    ['NoNewPrivs:', '1'],
  ]);
  const all = runInContainer((s) => {
    s.process!.capabilities = { bounding: ['CAP_KILL', 'CAP_SETUID'], effective: ['CAP_KILL'], permitted: ['CAP_KILL', 'CAP_SETUID'], inheritable: ['CAP_KILL'], ambient: ['CAP_KILL'] };
    s.process!.user = { uid: 1000, gid: 1000 };
    s.process!.noNewPrivileges = false;
    s.process!.args = ['sh', '-c', 'grep -E "^Cap(Eff|Amb)" /proc/self/status'];
  });
  assert.equal(all.code, 0, all.stderr);
  // as uid 1000 after exec, only the ambient set survives into effective and permitted
  assert.deepEqual(all.stdout.trim().split('\n').map((l) => l.split(/\s+/)[1]), ['0000000000000020', '0000000000000020']);
});

test('signals sent with kill reach the program', async (t) => {
  if (requires(t, { root: true })) return;
  const env = containerEnv(shell('trap "echo got-term > /tmp/term; exit 3" TERM; echo ready > /tmp/ready; while true; do sleep 0.05; done'));
  try {
    assert.equal(env.rt('run', '-d', env.id).code, 0);
    const ready = join(env.bundle.rootfs, 'tmp', 'ready');
    for (let i = 0; i < 200; i++) {
      try {
        readFileSync(ready);
        break;
      } catch {
        await new Promise((r) => setTimeout(r, 10));
      }
    }
    assert.equal(env.rt('kill', env.id, 'TERM').code, 0);
    for (let i = 0; i < 200 && JSON.parse(env.rt('state', env.id).stdout).status !== 'stopped'; i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(JSON.parse(env.rt('state', env.id).stdout).status, 'stopped');
    assert.equal(readFileSync(join(env.bundle.rootfs, 'tmp', 'term'), 'utf8'), 'got-term\n');
    assert.match(env.rt('kill', env.id, 'TERM').stderr, /is not running/);
    assert.match(env.rt('kill', env.id, 'NOPE').stderr, /invalid signal "NOPE"/);
  } finally {
    env.cleanup();
  }
});

test('a terminal: the pty master goes to --console-socket, the program sees a tty', async (t) => {
  if (requires(t, { root: true, file: '/usr/bin/python3', reason: 'the console socket receiver is written in python3' })) return;
  const recv = await consoleReceiver();
  const env = containerEnv((s) => {
    s.process!.terminal = true;
    s.process!.consoleSize = { height: 33, width: 99 };
    s.process!.args = ['sh', '-c', '[ -t 0 ] && [ -t 1 ] && echo is-a-tty; stty size; tty; ls -l /dev/console | cut -c1'];
  });
  try {
    const r = env.rt('run', '--console-socket', recv.path, env.id);
    assert.equal(r.code, 0, r.stderr);
    const out = await recv.output;
    assert.deepEqual(out.stdout.replaceAll('\r', '').trim().split('\n'), ['is-a-tty', '33 99', '/dev/pts/0', 'c']);
    assert.match(out.stderr, /name=\/dev\/ptmx/);
  } finally {
    recv.kill();
    env.cleanup();
  }
});

test('process.terminal without --console-socket is refused when the runtime detaches', (t) => {
  if (requires(t, { root: true })) return;
  const env = containerEnv((s) => (s.process!.terminal = true));
  try {
    const r = env.rt('create', env.id);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /process\.terminal is true: --console-socket is required/);
  } finally {
    env.cleanup();
  }
});

// `script` (util-linux) gives berth-runtime a terminal of its own: with no --console-socket, the
// helper holds the pty master and proxies it, with the window size, as `runc run -t` does.
test('run and exec with a terminal and no console socket proxy the pty', (t) => {
  if (requires(t, { root: true, file: '/usr/bin/script', reason: 'needs script(1) from util-linux for a terminal' })) return;
  const env = containerEnv((s) => {
    s.process!.terminal = true;
    s.process!.args = ['sh', '-c', 'tty; stty size; [ -t 0 ] && echo stdin-is-tty'];
  });
  try {
    const viaScript = (cmd: string): string =>
      spawnSync('script', ['-qec', `stty cols 77 rows 22; ${cmd}`, '/dev/null'], { cwd: env.bundle.dir, encoding: 'utf8', timeout: 20_000 }).stdout.replaceAll('\r', '');
    const out = viaScript(`${RUNTIME} --root ${env.root} run ${env.id}`);
    assert.match(out, /\/dev\/pts\/0\n22 77\nstdin-is-tty\n/);
    env.bundle.spec.process!.terminal = false;
    env.bundle.spec.process!.args = ['sleep', '30'];
    env.bundle.write();
    assert.equal(env.rt('run', '-d', env.id).code, 0);
    const ex = viaScript(`${RUNTIME} --root ${env.root} exec -t ${env.id} sh -c 'tty; stty size; exit 4'; echo "exit=$?"`);
    assert.match(ex, /\/dev\/pts\/\d+\n22 77\nexit=4\n/);
  } finally {
    env.cleanup();
  }
});
