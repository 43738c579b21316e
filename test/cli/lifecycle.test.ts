// A container's life through the CLI: create and start (-a, -i), stop (-t, --stop-signal,
// --stop-timeout), restart, kill (-s), rm (-f, -v, several at once), wait, with docker's output,
// messages and exit codes.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { berthEnv, cliSkipReason, inspectField, leakCheck, runBerth, safeName, startBerth, waitFor } from '../helpers/berth-cli.ts';

const skip = cliSkipReason();
const env = skip ? undefined : berthEnv({}, { busybox: true });
after(() => env?.cleanup());

const status = (name: string): Promise<string> => inspectField(name, '{{.State.Status}}');

// A shell that exits with `code` when it gets `sig` (it waits in short sleeps, so the trap runs).
const trapping = (sig: string, code: number): string[] => ['sh', '-c', `trap "echo got-${sig}; exit ${code}" ${sig}; echo ready; while true; do sleep 0.05; done`];

describe('lifecycle', { concurrency: 4 }, () => {
  test('create prints the id and leaves a Created container; start prints the name and runs it', { skip }, async (t) => {
    const name = safeName(t);
    const id = (await runBerth(0, 'create', '--name', name, 'busybox', 'sleep', '60')).stdout.trim();
    assert.match(id, /^[0-9a-f]{64}$/);
    assert.equal(await inspectField(name, '{{.State.Status}} {{.State.Pid}} {{.State.StartedAt}}'), 'created 0 0001-01-01T00:00:00Z');
    assert.equal((await runBerth(0, 'start', name)).stdout, `${name}\n`);
    assert.equal(await status(name), 'running');
    // start of a running container: nothing to do, as docker
    assert.equal((await runBerth(0, 'start', id.slice(0, 12))).stdout, `${id.slice(0, 12)}\n`);
    await runBerth(0, 'rm', '-f', name);
    const missing = await runBerth(1, 'start', name);
    assert.equal(missing.stderr, `Error response from daemon: No such container: ${name}\n`);
  });

  test('start -a attaches and returns the program\'s status; -i gives it our stdin', { skip }, async (t) => {
    const name = safeName(t);
    await runBerth(0, 'create', '--name', name, 'busybox', 'sh', '-c', 'echo out; echo err >&2; exit 4');
    const r = await runBerth(4, 'start', '-a', name);
    assert.equal(r.stdout, 'out\n');
    assert.equal(r.stderr, 'err\n');
    // again: a stopped container starts anew
    assert.equal((await runBerth(4, 'start', '-a', name)).stdout, 'out\n');
    const cat = safeName(t, 'cat');
    await runBerth(0, 'create', '-i', '--name', cat, 'busybox', 'sh', '-c', 'cat; echo done');
    assert.equal((await runBerth({ exit: 0, input: 'from stdin\n' }, 'start', '-a', '-i', cat)).stdout, 'from stdin\ndone\n');
    await runBerth(0, 'rm', name, cat);
  });

  test('stop: SIGTERM, then SIGKILL after -t seconds; docker\'s codes (0 by a trap, 137 when killed)', { skip }, async (t) => {
    const trap = safeName(t, 'trap');
    await runBerth(0, 'run', '-d', '--name', trap, 'busybox', ...trapping('TERM', 0));
    await waitFor(async () => (await runBerth(0, 'logs', trap)).stdout.includes('ready'));
    let t0 = Date.now();
    assert.equal((await runBerth(0, 'stop', trap)).stdout, `${trap}\n`);
    assert.ok(Date.now() - t0 < 8000, 'a program that handles SIGTERM stops at once, not after the 10 s timeout');
    assert.equal(await inspectField(trap, '{{.State.Status}} {{.State.ExitCode}}'), 'exited 0');
    assert.match((await runBerth(0, 'logs', trap)).stdout, /got-TERM/);
    // sleep as PID 1 ignores SIGTERM: killed after -t 1
    const stubborn = safeName(t, 'stubborn');
    await runBerth(0, 'run', '-d', '--name', stubborn, 'busybox', 'sleep', '60');
    t0 = Date.now();
    await runBerth(0, 'stop', '-t', '1', stubborn);
    const took = Date.now() - t0;
    assert.ok(took >= 900 && took < 9000, `stop -t 1 took ${took} ms`);
    assert.equal(await inspectField(stubborn, '{{.State.Status}} {{.State.ExitCode}} {{.State.Running}}'), 'exited 137 false');
    // stop of a stopped container is fine
    assert.equal((await runBerth(0, 'stop', stubborn)).stdout, `${stubborn}\n`);
    await runBerth(0, 'rm', trap, stubborn);
  });

  test('--stop-signal and --stop-timeout are used by stop', { skip }, async (t) => {
    const name = safeName(t, 'sig');
    await runBerth(0, 'run', '-d', '--name', name, '--stop-signal', 'USR1', 'busybox', ...trapping('USR1', 5));
    await waitFor(async () => (await runBerth(0, 'logs', name)).stdout.includes('ready'));
    await runBerth(0, 'stop', name);
    assert.equal(await inspectField(name, '{{.State.ExitCode}} {{.Config.StopSignal}}'), '5 USR1');
    const slow = safeName(t, 'timeout');
    await runBerth(0, 'run', '-d', '--name', slow, '--stop-timeout', '1', 'busybox', 'sleep', '60');
    const t0 = Date.now();
    await runBerth(0, 'stop', slow);
    assert.ok(Date.now() - t0 < 9000, `--stop-timeout 1 replaced the 10 s default (${Date.now() - t0} ms)`);
    assert.equal(await inspectField(slow, '{{.State.ExitCode}} {{.Config.StopTimeout}}'), '137 1');
    await runBerth(0, 'rm', name, slow);
  });

  test('restart: a running container gets a new process; an exited one starts', { skip }, async (t) => {
    const name = safeName(t);
    await runBerth(0, 'run', '-d', '--name', name, 'busybox', ...trapping('TERM', 0));
    const pid = await inspectField(name, '{{.State.Pid}}');
    assert.equal((await runBerth(0, 'restart', '-t', '5', name)).stdout, `${name}\n`);
    const after = await inspectField(name, '{{.State.Status}} {{.State.Pid}}');
    assert.match(after, /^running \d+$/);
    assert.notEqual(after.split(' ')[1], pid);
    await runBerth(0, 'stop', name);
    await runBerth(0, 'restart', name);
    assert.equal(await status(name), 'running');
    await runBerth(0, 'rm', '-f', name);
  });

  test('kill: SIGKILL by default (137), -s another signal; not running is an error', { skip }, async (t) => {
    const name = safeName(t);
    await runBerth(0, 'run', '-d', '--name', name, 'busybox', ...trapping('HUP', 9));
    await waitFor(async () => (await runBerth(0, 'logs', name)).stdout.includes('ready'));
    assert.equal((await runBerth(0, 'kill', '-s', 'HUP', name)).stdout, `${name}\n`);
    await waitFor(async () => (await status(name)) === 'exited');
    assert.equal(await inspectField(name, '{{.State.ExitCode}}'), '9');
    const r = await runBerth(1, 'kill', name);
    const id = await inspectField(name, '{{.Id}}');
    assert.equal(r.stderr, `Error response from daemon: cannot kill container: ${name}: container ${id} is not running\n`);
    await runBerth(0, 'start', name);
    await runBerth(0, 'kill', name);
    await waitFor(async () => (await status(name)) === 'exited');
    assert.equal(await inspectField(name, '{{.State.ExitCode}}'), '137');
    await runBerth(0, 'start', name);
    await runBerth(0, 'kill', '--signal', '9', name);
    await waitFor(async () => (await status(name)) === 'exited');
    await runBerth(0, 'start', name);
    assert.match((await runBerth(1, 'kill', '-s', 'NOSUCHSIG', name)).stderr, /NOSUCHSIG/);
    assert.equal(await status(name), 'running');
    await runBerth(0, 'rm', '-f', name);
  });

  test('rm: a running container needs -f (docker\'s words); several at once, errors per name', { skip }, async (t) => {
    const name = safeName(t);
    await runBerth(0, 'run', '-d', '--name', name, 'busybox', 'sleep', '60');
    const r = await runBerth(1, 'rm', name);
    assert.equal(r.stderr, `Error response from daemon: cannot remove container "/${name}": container is running: stop the container before removing or force remove\n`);
    assert.equal(await status(name), 'running');
    const other = safeName(t, 'other');
    await runBerth(0, 'create', '--name', other, 'busybox', 'true');
    const many = await runBerth(1, 'rm', '-f', name, 'no-such-one', other);
    assert.equal(many.stdout, `${name}\n${other}\n`);
    assert.equal(many.stderr, 'Error response from daemon: No such container: no-such-one\n');
    assert.equal((await runBerth(0, 'ps', '-aq', '--filter', `name=${t.name.slice(0, 10)}`)).stdout, '');
  });

  test('wait: blocks until the exit, prints each code', { skip }, async (t) => {
    const a = safeName(t, 'a');
    const b = safeName(t, 'b');
    await runBerth(0, 'run', '-d', '--name', a, 'busybox', 'sh', '-c', 'sleep 0.5; exit 7');
    await runBerth(2, 'run', '--name', b, 'busybox', 'sh', '-c', 'exit 2');
    const w = startBerth(['wait', a, b]);
    assert.equal(await w.exited, 0);
    assert.equal(w.stdout(), '7\n2\n');
    assert.equal((await runBerth(1, 'wait', 'no-such-container')).stderr, 'Error response from daemon: No such container: no-such-container\n');
    // wait on a container that is restarted by its policy waits for the final exit
    const c = safeName(t, 'c');
    await runBerth(0, 'run', '-d', '--name', c, '--restart', 'on-failure:1', 'busybox', 'sh', '-c', 'sleep 0.3; exit 3');
    assert.equal((await runBerth(0, 'wait', c)).stdout, '3\n');
    await waitFor(async () => (await inspectField(c, '{{.State.Status}} {{.RestartCount}}')) === 'exited 1');
    await runBerth(0, 'rm', a, b, c);
  });
});

test('leaves nothing behind', { skip }, () => leakCheck());
