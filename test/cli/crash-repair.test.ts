// kill -9 of a berth command midway, and the next command repairing: berth is killed at each
// milestone of `run` and `rm` (BERTH_CRASH_AT, src/lib/trace.ts, makes the moment exact); then
// `ps -a` must show a state that is true (running only with a live process; created with no
// mount, runtime state or monitor left), the container must start and be removed normally, and
// nothing may be left behind.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { berthEnv, cliSkipReason, findLeaks, inspectField, leakCheck, runBerth, safeName, startBerth, waitFor } from '../helpers/berth-cli.ts';

const skip = cliSkipReason();
const env = skip ? undefined : berthEnv({}, { busybox: true });
after(() => env?.cleanup());

// What of a container is on the host besides its record: mounts, cgroups, processes (its monitor,
// its program), runtime state.
function traces(id: string): string[] {
  const out: string[] = [];
  for (const [kind, list] of Object.entries(findLeaks(undefined, id))) {
    if (kind !== 'containers') for (const item of list as string[]) out.push(`${kind}: ${item}`);
  }
  return out;
}

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

const RUN_MILESTONES = [
  'run: image resolved',
  'run: container record written',
  'engine: rootfs mounted',
  'engine: bundle written',
  'create: cgroups made',
  'create: helper spawned',
  'create: state written',
  'engine: container created',
  'engine: container started',
  'run: started',
];

describe('kill -9 of berth run', { concurrency: 3 }, () => {
  for (const at of RUN_MILESTONES) {
    test(`at "${at}"`, { skip }, async (t) => {
      const name = safeName(t);
      const r = await runBerth({ env: { BERTH_CRASH_AT: at } }, 'run', '--name', name, '-v', '/anon', 'busybox', 'sh', '-c', 'echo ran; sleep 0.2');
      assert.equal(r.status, 137, `berth was killed at "${at}": ${r.stderr}`);
      // the next command sees the truth
      const listed = (await runBerth(0, 'ps', '-a', '--filter', `name=^${name}$`, '--format', '{{.State}}')).stdout.trim();
      if (at === 'run: image resolved') {
        assert.equal(listed, '', 'no record yet, no container');
        return;
      }
      const id = await inspectField(name, '{{.Id}}');
      const state = await inspectField(name, '{{.State.Status}} {{.State.Pid}}');
      const [status, pid] = state.split(' ');
      if (status === 'running') assert.ok(isAlive(Number(pid)), `running with a live process (${state})`);
      else if (status === 'created') assert.deepEqual(traces(id), [], 'a created container has nothing on the host');
      else assert.equal(status, 'exited', `a state that can be true: ${state}`);
      // and it can be used: started (again), waited for, removed
      await waitFor(async () => (await inspectField(name, '{{.State.Status}}')) !== 'running', { what: 'the first run to end', timeoutMs: 20_000 });
      const again = await runBerth(0, 'start', '-a', name);
      assert.equal(again.stdout, 'ran\n');
      await runBerth(0, 'rm', '-v', name);
      assert.deepEqual(traces(id), []);
    });
  }
});

describe('kill -9 of berth rm', { concurrency: 2 }, () => {
  for (const at of ['rm: stopped', 'rm: resources released']) {
    test(`at "${at}"`, { skip }, async (t) => {
      const name = safeName(t);
      const id = (await runBerth(0, 'run', '-d', '--name', name, 'busybox', 'sleep', '60')).stdout.trim();
      assert.equal((await runBerth({ env: { BERTH_CRASH_AT: at } }, 'rm', '-f', name)).status, 137);
      assert.equal(await inspectField(name, '{{.State.Status}}'), 'exited', 'the record says what is true');
      await runBerth(0, 'rm', name);
      assert.deepEqual(traces(id), []);
      assert.equal(existsSync(join(env!.root, 'containers', id)), false);
    });
  }
});

test('kill -9 of a foreground run after the start: the container runs on and is cleaned up at its exit', { skip }, async (t) => {
  const name = safeName(t);
  const run = startBerth(['run', '--name', name, 'busybox', 'sh', '-c', 'echo started; sleep 1; echo done']);
  await run.waitFor(/started/);
  run.kill('SIGKILL');
  assert.equal(await run.exited, 137);
  await waitFor(async () => (await inspectField(name, '{{.State.Status}}')) === 'exited', { what: 'the exit' });
  assert.equal((await runBerth(0, 'logs', name)).stdout, 'started\ndone\n');
  const id = await inspectField(name, '{{.Id}}');
  assert.deepEqual(traces(id), [], 'the exit command released it');
  await runBerth(0, 'rm', name);
});

test('a killed berth\'s lock does not wedge the next command', { skip }, async (t) => {
  const name = safeName(t);
  await runBerth(0, 'create', '--name', name, 'busybox', 'true');
  // killed while it holds the container's lock (start holds it from the mount on)
  assert.equal((await runBerth({ env: { BERTH_CRASH_AT: 'engine: rootfs mounted' } }, 'start', name)).status, 137);
  const locks = readdirSync(join(env!.runroot, 'locks'));
  assert.ok(locks.some((l) => l.endsWith('.lock') && l !== 'containers.lock'), `a lock was left: ${locks.join(' ')}`);
  const t0 = Date.now();
  await runBerth(0, 'start', name);
  assert.ok(Date.now() - t0 < 10_000, 'the dead owner\'s lock was taken over');
  await waitFor(async () => (await inspectField(name, '{{.State.Status}}')) === 'exited');
  await runBerth(0, 'rm', name);
});

// The monitor's pid: the container process's parent.
const parentOf = (pid: number): number => {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
};
const procState = (pid: number): string => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0]!;
  } catch {
    return 'gone';
  }
};

test('kill -9 of a monitor: rm -f still removes the container (its attach socket refuses)', { skip }, async (t) => {
  const name = safeName(t);
  const id = (await runBerth(0, 'run', '-d', '--name', name, 'busybox', 'sleep', '60')).stdout.trim();
  const pid = Number(await inspectField(name, '{{.State.Pid}}'));
  process.kill(parentOf(pid), 'SIGKILL');
  // the socket file is left with nobody listening: rm -f's claim of the exit is refused
  assert.ok(existsSync(join(env!.runroot, 'containers', id, 'attach.sock')));
  await runBerth(0, 'rm', '-f', name);
  assert.equal((await runBerth(1, 'inspect', name)).stderr, `Error: No such object: ${name}\n`);
  assert.deepEqual(traces(id), []);
});

test('a program gone before its monitor wrote the exit: the next command leaves the exit to the monitor', { skip }, async (t) => {
  const name = safeName(t);
  // it ends when told to, not after a fixed time a loaded machine may already have spent
  await runBerth(0, 'run', '-d', '--name', name, 'busybox', 'sh', '-c', 'while [ ! -e /tmp/go ]; do sleep 0.05; done; exit 3');
  const pid = Number(await inspectField(name, '{{.State.Pid}}'));
  const monitor = parentOf(pid);
  // a stopped monitor cannot reap the program nor write the exit file: the moment after every
  // exit, made to last
  process.kill(monitor, 'SIGSTOP');
  try {
    await runBerth(0, 'exec', name, 'touch', '/tmp/go');
    await waitFor(() => procState(pid) === 'Z', { what: 'the program to end' });
    assert.equal(await inspectField(name, '{{.State.Status}}'), 'running', 'not recorded by inspect while the monitor lives');
  } finally {
    process.kill(monitor, 'SIGCONT');
  }
  await waitFor(async () => (await inspectField(name, '{{.State.Status}}')) === 'exited', { what: 'the exit' });
  assert.equal(await inspectField(name, '{{.State.ExitCode}}'), '3', 'the exit code the monitor saw');
  await runBerth(0, 'rm', name);
});

test('the monitor unmounts the rootfs itself at the exit, before the exit file and its exit command', { skip }, async (t) => {
  const name = safeName(t);
  // the exit command (a berth process the monitor starts, in this environment) dies as it begins:
  // whatever is released by then, the monitor released
  const id = (await runBerth({ exit: 0, env: { BERTH_CRASH_AT: 'exit: recording' } }, 'run', '-d', '--name', name, 'busybox', 'sh', '-c', 'while [ ! -e /tmp/go ]; do sleep 0.05; done; exit 4')).stdout.trim();
  const rootfs = join(env!.root, 'containers', id, 'rw', 'rootfs');
  const mounted = (): boolean => readFileSync('/proc/self/mountinfo', 'utf8').split('\n').some((l) => l.split(' ')[4] === rootfs);
  assert.ok(mounted(), 'the rootfs is mounted while the container runs');
  await runBerth(0, 'exec', name, 'touch', '/tmp/go');
  await waitFor(() => existsSync(join(env!.runroot, 'containers', id, 'exit.json')), { what: 'the exit file' });
  assert.equal(mounted(), false, 'the rootfs was still mounted when the monitor wrote the exit file');
  // (the record, which the killed exit command did not update, is repaired once its exit file is
  // 30 s old; rm -f does not wait for that)
  await runBerth(0, 'rm', '-f', name);
  assert.deepEqual(traces(id), []);
});

test('leaves nothing behind', { skip }, () => leakCheck());
