// --restart: the exit command (berth container cleanup, run by the container's monitor) restarts a
// container whose program exits, by docker's rules: no, on-failure[:N], always, unless-stopped;
// RestartCount grows; a stop (or kill, or rm -f) by the user ends it.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { berthEnv, cliSkipReason, inspectField, leakCheck, runBerth, safeName, sleep, waitFor } from '../helpers/berth-cli.ts';

const skip = cliSkipReason();
const env = skip ? undefined : berthEnv({}, { busybox: true });
after(() => env?.cleanup());

const state = async (name: string): Promise<{ status: string; count: number; code: number; pid: number }> => {
  const [status, count, code, pid] = (await inspectField(name, '{{.State.Status}} {{.RestartCount}} {{.State.ExitCode}} {{.State.Pid}}')).split(' ');
  return { status: status!, count: Number(count), code: Number(code), pid: Number(pid) };
};

describe('restart policies', { concurrency: 4 }, () => {
  test('no (the default): an exit stays an exit', { skip }, async (t) => {
    const name = safeName(t);
    await runBerth(0, 'run', '-d', '--name', name, 'busybox', 'sh', '-c', 'exit 3');
    await waitFor(async () => (await state(name)).status === 'exited', { what: 'the exit' });
    await sleep(800);
    assert.deepEqual(await state(name), { status: 'exited', count: 0, code: 3, pid: 0 });
    assert.equal(await inspectField(name, '{{.HostConfig.RestartPolicy.Name}}'), 'no');
    await runBerth(0, 'rm', name);
  });

  test('on-failure:2 restarts a failing program twice, then leaves it exited with its code', { skip }, async (t) => {
    const name = safeName(t);
    await runBerth(0, 'run', '-d', '--name', name, '--restart', 'on-failure:2', 'busybox', 'sh', '-c', 'echo run; exit 3');
    await waitFor(async () => {
      const s = await state(name);
      return s.status === 'exited' && s.count === 2;
    }, { what: 'two restarts, then the end' });
    await sleep(800);
    assert.deepEqual(await state(name), { status: 'exited', count: 2, code: 3, pid: 0 });
    assert.equal((await runBerth(0, 'logs', name)).stdout, 'run\nrun\nrun\n', 'the log holds every run');
    assert.equal(await inspectField(name, '{{.HostConfig.RestartPolicy.Name}}:{{.HostConfig.RestartPolicy.MaximumRetryCount}}'), 'on-failure:2');
    await runBerth(0, 'rm', name);
  });

  test('on-failure does not restart a program that succeeds', { skip }, async (t) => {
    const name = safeName(t);
    await runBerth(0, 'run', '-d', '--name', name, '--restart', 'on-failure', 'busybox', 'true');
    await waitFor(async () => (await state(name)).status === 'exited', { what: 'the exit' });
    await sleep(800);
    assert.equal((await state(name)).count, 0);
    await runBerth(0, 'rm', name);
  });

  test('always: a crashing container is restarted again and again until stop', { skip }, async (t) => {
    const name = safeName(t);
    await runBerth(0, 'run', '-d', '--name', name, '--restart', 'always', 'busybox', 'sh', '-c', 'sleep 0.2; exit 1');
    await waitFor(async () => (await state(name)).count >= 3, { what: 'three restarts', timeoutMs: 20_000 });
    await runBerth(0, 'stop', '-t', '1', name);
    const stopped = await state(name);
    assert.equal(stopped.status, 'exited');
    await sleep(1500);
    assert.deepEqual(await state(name), stopped, 'no restart after stop');
    // start again: the policy holds again
    await runBerth(0, 'start', name);
    await waitFor(async () => (await state(name)).count > stopped.count, { what: 'a restart after start' });
    await runBerth(0, 'rm', '-f', name);
  });

  test('always: a program killed from outside (not by berth) is restarted with a new pid', { skip }, async (t) => {
    const name = safeName(t);
    await runBerth(0, 'run', '-d', '--name', name, '--restart', 'always', 'busybox', 'sleep', '60');
    const first = await state(name);
    process.kill(first.pid, 'SIGKILL');
    const again = await waitFor(async () => {
      const s = await state(name);
      return s.status === 'running' && s.count === 1 && s.pid !== first.pid ? s : undefined;
    }, { what: 'the restart' });
    assert.notEqual(again.pid, first.pid);
    // berth kill is the user's: no restart
    await runBerth(0, 'kill', name);
    await waitFor(async () => (await state(name)).status === 'exited', { what: 'the kill' });
    await sleep(800);
    assert.equal((await state(name)).status, 'exited');
    assert.equal((await state(name)).count, 1);
    await runBerth(0, 'rm', name);
  });

  test('unless-stopped: restarted after an exit, not after stop; rm -f ends a restarting container', { skip }, async (t) => {
    const name = safeName(t);
    await runBerth(0, 'run', '-d', '--name', name, '--restart', 'unless-stopped', 'busybox', 'sh', '-c', 'sleep 0.2; exit 0');
    await waitFor(async () => (await state(name)).count >= 2, { what: 'two restarts' });
    await runBerth(0, 'stop', name);
    await sleep(800);
    assert.equal((await state(name)).status, 'exited');
    // a container that restarts quickly, removed whatever state it is in
    const churn = safeName(t, 'churn');
    await runBerth(0, 'run', '-d', '--name', churn, '--restart', 'always', 'busybox', 'true');
    await waitFor(async () => (await state(churn)).count >= 2, { what: 'restarts of a short-lived program' });
    await runBerth(0, 'rm', '-f', churn);
    assert.equal((await runBerth(1, 'inspect', churn)).stderr, `Error: No such object: ${churn}\n`);
    await runBerth(0, 'rm', name);
  });
});

test('leaves nothing behind', { skip }, async () => {
  // a restart in flight when its container was removed must not bring anything back
  await sleep(500);
  await leakCheck();
});
