import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { containerEnv, shell } from '../helpers/container.ts';
import { requires } from '../helpers/requires.ts';
import { runtime, stateRoot } from '../helpers/runtime-cli.ts';

const status = (env: ReturnType<typeof containerEnv>): string => JSON.parse(env.rt('state', env.id).stdout).status as string;

async function waitFor(pred: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 10));
  }
}

test('create -> created (program not run), start -> running, exit -> stopped, delete -> gone', async (t) => {
  if (requires(t, { root: true })) return;
  const env = containerEnv(shell('echo ran > /tmp/ran; while [ ! -e /tmp/go ]; do sleep 0.02; done'));
  const pidFile = join(env.bundle.dir, 'pid');
  try {
    const c = env.rt('create', '--pid-file', pidFile, env.id);
    assert.equal(c.code, 0, c.stderr);
    const state = JSON.parse(env.rt('state', env.id).stdout);
    assert.equal(state.status, 'created');
    assert.equal(state.id, env.id);
    assert.equal(state.bundle, env.bundle.dir);
    assert.equal(state.pid, Number(readFileSync(pidFile, 'utf8')));
    assert.ok(existsSync(`/proc/${state.pid}`), 'the container process exists while created');
    assert.equal(existsSync(join(env.bundle.rootfs, 'tmp', 'ran')), false, 'the program must not run before start');
    assert.match(env.rt('create', env.id).stderr, /already exists/);

    assert.equal(env.rt('start', env.id).code, 0);
    assert.equal(status(env), 'running');
    await waitFor(() => existsSync(join(env.bundle.rootfs, 'tmp', 'ran')));
    assert.match(env.rt('start', env.id).stderr, /cannot start container .*: it is running, not created/);
    assert.match(env.rt('delete', env.id).stderr, /it is running \(stop it first, or use --force\)/);

    writeFileSync(join(env.bundle.rootfs, 'tmp', 'go'), '');
    await waitFor(() => status(env) === 'stopped');
    assert.equal(JSON.parse(env.rt('state', env.id).stdout).pid, 0);
    assert.match(env.rt('start', env.id).stderr, /it is stopped, not created/);
    assert.equal(env.rt('delete', env.id).code, 0);
    assert.match(env.rt('state', env.id).stderr, /container ".*" does not exist/);
    assert.equal(env.rt('state', env.id).code, 1);
  } finally {
    env.cleanup();
  }
});

test('a created container can be killed or deleted without starting it', async (t) => {
  if (requires(t, { root: true })) return;
  const killed = containerEnv(shell('echo should-not-run > /tmp/ran'));
  const deleted = containerEnv(shell('echo should-not-run > /tmp/ran'));
  try {
    assert.equal(killed.rt('create', killed.id).code, 0);
    assert.equal(killed.rt('kill', killed.id, 'TERM').code, 0);
    await waitFor(() => status(killed) === 'stopped');
    assert.equal(deleted.rt('create', deleted.id).code, 0);
    assert.equal(deleted.rt('delete', deleted.id).code, 0);
    assert.equal(existsSync(join(deleted.bundle.rootfs, 'tmp', 'ran')), false);
    assert.equal(existsSync(join(killed.bundle.rootfs, 'tmp', 'ran')), false);
  } finally {
    killed.cleanup();
    deleted.cleanup();
  }
});

test('delete --force kills a running container and everything in its cgroup; no state, cgroup or mount is left', (t) => {
  if (requires(t, { root: true })) return;
  const env = containerEnv((s) => {
    s.linux!.namespaces = s.linux!.namespaces!.filter((n) => n.type !== 'pid');
    s.process!.args = ['sh', '-c', 'sleep 60 & sleep 60 & exec sleep 60'];
  });
  try {
    assert.equal(env.rt('run', '-d', env.id).code, 0);
    const pids = JSON.parse(env.rt('ps', '--format', 'json', env.id).stdout) as number[];
    assert.ok(pids.length >= 1);
    assert.equal(env.rt('delete', '--force', env.id).code, 0);
    for (const p of pids) {
      const st = existsSync(`/proc/${p}/stat`) ? readFileSync(`/proc/${p}/stat`, 'utf8') : '';
      assert.ok(st === '' || / Z /.test(st), `process ${p} survived delete --force`);
    }
  } finally {
    env.cleanup(); // asserts no state, cgroup or mount remains
  }
});

test('list (table, -q, json), ps and state describe the containers', (t) => {
  if (requires(t, { root: true })) return;
  const env = containerEnv((s) => (s.process!.args = ['sleep', '30']));
  try {
    assert.equal(env.rt('run', '-d', env.id).code, 0);
    const pid = JSON.parse(env.rt('state', env.id).stdout).pid as number;
    const table = env.rt('list').stdout.split('\n');
    assert.match(table[0]!, /^ID\s+PID\s+STATUS\s+BUNDLE\s+CREATED\s+OWNER$/);
    assert.match(table[1]!, new RegExp(`^${env.id}\\s+${pid}\\s+running\\s+${env.bundle.dir}\\s+\\S+\\s+root$`));
    assert.equal(env.rt('list', '-q').stdout, `${env.id}\n`);
    const json = JSON.parse(env.rt('list', '--format', 'json').stdout);
    assert.equal(json.length, 1);
    assert.equal(json[0].status, 'running');
    assert.deepEqual(JSON.parse(env.rt('ps', '-f', 'json', env.id).stdout), [pid]);
    const ps = env.rt('ps', env.id).stdout.trim().split('\n');
    assert.match(ps[0]!, /PID/);
    assert.equal(ps.length, 2);
    assert.match(ps[1]!, /sleep 30/);
  } finally {
    env.cleanup();
  }
});

test('exec runs in the container: its namespaces, cgroup, root; exit status, env, cwd, user, -d with --pid-file', async (t) => {
  if (requires(t, { root: true })) return;
  const env = containerEnv((s) => {
    s.hostname = 'exec-target';
    s.process!.args = ['sleep', '30'];
  });
  try {
    assert.equal(env.rt('run', '-d', env.id).code, 0);
    const pid = JSON.parse(env.rt('state', env.id).stdout).pid as number;
    // with a cgroup namespace the container sees its own cgroup as "/"; its cgroup.procs (the
    // container's cgroup bound at /sys/fs/cgroup/pids) must list the exec'd shell
    const r = env.rt('exec', env.id, 'sh', '-c', 'hostname; echo $$; readlink /proc/1/exe; f=/sys/fs/cgroup/pids/cgroup.procs; [ -e $f ] || f=/sys/fs/cgroup/cgroup.procs; grep -cx $$ $f');
    assert.equal(r.code, 0, r.stderr);
    const [host, ownPid, initExe, cg] = r.stdout.trim().split('\n');
    assert.equal(host, 'exec-target');
    assert.notEqual(ownPid, '1');
    assert.equal(initExe, '/bin/busybox');
    assert.equal(cg, '1');
    assert.equal(readFileSync(`/proc/${pid}/cgroup`, 'utf8').includes(env.id), true);
    assert.equal(env.rt('exec', env.id, 'sh', '-c', 'exit 5').code, 5);
    const e = env.rt('exec', '--env', 'X=1', '--env', 'Y=two', '--cwd', '/tmp', '--user', '65534:65534', env.id, 'sh', '-c', 'echo $X $Y; pwd; id -u; id -g');
    assert.equal(e.stdout, '1 two\n/tmp\n65534\n65534\n');
    const pidFile = join(env.bundle.dir, 'exec.pid');
    assert.equal(env.rt('exec', '-d', '--pid-file', pidFile, env.id, 'sh', '-c', 'echo detached > /tmp/d').code, 0);
    assert.ok(Number(readFileSync(pidFile, 'utf8')) > 0);
    await waitFor(() => existsSync(join(env.bundle.rootfs, 'tmp', 'd')));
    const missing = env.rt('exec', env.id, 'nope');
    assert.equal(missing.code, 127);
    assert.match(missing.stderr, /executable "nope" in \$PATH: no such file or directory/);
    const proc = join(env.bundle.dir, 'process.json');
    const spec = { user: { uid: 0, gid: 0 }, args: ['sh', '-c', 'echo from-process-json'], cwd: '/', env: ['PATH=/bin'] };
    (await import('node:fs')).writeFileSync(proc, JSON.stringify(spec));
    assert.equal(env.rt('exec', '--process', proc, env.id).stdout, 'from-process-json\n');
  } finally {
    env.cleanup();
  }
  const stopped = containerEnv(shell('true'));
  try {
    assert.equal(stopped.rt('run', '--keep', stopped.id).code, 0);
    assert.match(stopped.rt('exec', stopped.id, 'true').stderr, /cannot exec in container .*: it is stopped/);
  } finally {
    stopped.cleanup();
  }
});

test('status comes from the live system: a container whose process died is stopped, whatever the state file says', async (t) => {
  if (requires(t, { root: true })) return;
  const env = containerEnv((s) => (s.process!.args = ['sleep', '30']));
  try {
    assert.equal(env.rt('run', '-d', env.id).code, 0);
    const pid = JSON.parse(env.rt('state', env.id).stdout).pid as number;
    process.kill(pid, 'SIGKILL');
    await waitFor(() => status(env) === 'stopped');
    const file = JSON.parse(readFileSync(join(env.root, env.id, 'state.json'), 'utf8'));
    assert.equal(file.pid, pid, 'the state file still names the old pid');
    assert.equal('status' in file, false, 'no status is stored');
  } finally {
    env.cleanup();
  }
});

test('run deletes the container when it exits; --keep keeps it stopped', (t) => {
  if (requires(t, { root: true })) return;
  const env = containerEnv(shell('exit 0'));
  try {
    assert.equal(env.rt('run', env.id).code, 0);
    assert.equal(existsSync(join(env.root, env.id)), false);
    assert.equal(env.rt('run', '--keep', env.id).code, 0);
    assert.equal(status(env), 'stopped');
  } finally {
    env.cleanup();
  }
});

test('spec writes runc\'s default config.json and refuses to overwrite one', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-spec-'));
  const state = stateRoot();
  try {
    assert.equal(runtime(state.root, ['spec'], { cwd: dir }).code, 0);
    const spec = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
    assert.deepEqual(spec.process.args, ['sh']);
    assert.equal(spec.root.path, 'rootfs');
    assert.deepEqual(spec.linux.namespaces.map((n: { type: string }) => n.type), ['pid', 'network', 'ipc', 'uts', 'mount', 'cgroup']);
    const again = runtime(state.root, ['spec'], { cwd: dir });
    assert.equal(again.code, 1);
    assert.match(again.stderr, /config\.json" already exists: remove it first/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
    state.remove();
  }
});

test('--version, --log with --log-format json', (t) => {
  if (requires(t, { root: true })) return;
  const state = stateRoot();
  try {
    assert.match(runtime(state.root, ['--version']).stdout, /^berth-runtime version \d+\.\d+\.\d+\nspec: 1\.2\.0\n$/);
    const log = join(state.root, 'log.json');
    const r = runtime(state.root, ['--log', log, '--log-format', 'json', 'state', 'nope']);
    assert.equal(r.code, 1);
    const line = JSON.parse(readFileSync(log, 'utf8').trim());
    assert.equal(line.level, 'error');
    assert.equal(line.msg, 'container "nope" does not exist');
    assert.match(line.time, /^\d{4}-\d\d-\d\dT/);
    assert.equal(r.stderr, 'container "nope" does not exist\n');
  } finally {
    state.remove();
  }
});

test('kill --all signals every process in the container\'s cgroup, not only the init', async (t) => {
  if (requires(t, { root: true })) return;
  // without a pid namespace, the children do not die with the init: only --all reaches them
  const env = containerEnv((s) => {
    s.linux!.namespaces = s.linux!.namespaces!.filter((n) => n.type !== 'pid');
    s.process!.args = ['sh', '-c', 'sleep 60 & sleep 60 & wait'];
  });
  try {
    assert.equal(env.rt('run', '-d', env.id).code, 0);
    await waitFor(() => (JSON.parse(env.rt('ps', '-f', 'json', env.id).stdout) as number[]).length === 3);
    const pids = JSON.parse(env.rt('ps', '-f', 'json', env.id).stdout) as number[];
    assert.equal(env.rt('kill', '--all', env.id, 'KILL').code, 0);
    const gone = (p: number): boolean => !existsSync(`/proc/${p}/stat`) || / Z /.test(readFileSync(`/proc/${p}/stat`, 'utf8'));
    await waitFor(() => pids.every(gone));
  } finally {
    env.cleanup();
  }
});
