// berth attach to a running container: its output from then on and its exit status, our stdin
// for a -i container (--no-stdin to keep it), a -it container on a real pty, signals proxied,
// and docker's refusal for a stopped container.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { berthEnv, cliSkipReason, inspectField, leakCheck, runBerth, runBerthPty, safeName, sleep, startBerth } from '../helpers/berth-cli.ts';

const skip = cliSkipReason();
const env = skip ? undefined : berthEnv({}, { busybox: true });
after(() => env?.cleanup());

describe('attach', { concurrency: 4 }, () => {
  test('output from now on, and the exit status', { skip }, async (t) => {
    const name = safeName(t);
    await runBerth(0, 'run', '-d', '--name', name, 'busybox', 'sh', '-c', 'echo before; sleep 0.5; while [ ! -e /tmp/go ]; do echo waiting; sleep 0.1; done; echo after; echo to-err >&2; exit 6');
    const a = startBerth(['attach', name]);
    await a.waitFor(/waiting/);
    await runBerth(0, 'exec', name, 'touch', '/tmp/go');
    assert.equal(await a.exited, 6);
    assert.match(a.stdout(), /^(waiting\n)+after\n$/, 'what came after the attach, not before');
    assert.equal(a.stderr(), 'to-err\n');
  });

  test('two clients at once both get everything', { skip }, async (t) => {
    const name = safeName(t);
    await runBerth(0, 'run', '-d', '--name', name, 'busybox', 'sh', '-c', 'while [ ! -e /tmp/go ]; do echo waiting; sleep 0.1; done; seq 1 2000; exit 2');
    const a = startBerth(['attach', name]);
    const b = startBerth(['attach', name]);
    await a.waitFor(/waiting/);
    await b.waitFor(/waiting/);
    await runBerth(0, 'exec', name, 'touch', '/tmp/go');
    assert.equal(await a.exited, 2);
    assert.equal(await b.exited, 2);
    const expected = Array.from({ length: 2000 }, (_, i) => `${i + 1}\n`).join('');
    assert.equal(a.stdout().replace(/^(waiting\n)+/, ''), expected);
    assert.equal(b.stdout().replace(/^(waiting\n)+/, ''), expected);
  });

  test('a -i container reads our stdin; --no-stdin keeps it out', { skip }, async (t) => {
    const name = safeName(t);
    await runBerth(0, 'run', '-d', '-i', '--name', name, 'busybox', 'sh', '-c', 'read line; echo "got $line"; exit 3');
    const r = await runBerth({ exit: 3, input: 'hello\n' }, 'attach', name);
    assert.equal(r.stdout, 'got hello\n');
    const quiet = safeName(t, 'nostdin');
    await runBerth(0, 'run', '-d', '-i', '--name', quiet, 'busybox', 'sh', '-c', 'while [ ! -e /tmp/go ]; do echo waiting; sleep 0.1; done; read -t 1 line; echo "got [$line]"');
    const a = startBerth(['attach', '--no-stdin', quiet], { stdin: 'pipe' });
    a.child.stdin!.end('ignored\n');
    await a.waitFor(/waiting/);
    await runBerth(0, 'exec', quiet, 'touch', '/tmp/go');
    assert.equal(await a.exited, 0);
    assert.match(a.stdout(), /^(waiting\n)+got \[\]\n$/);
  });

  test('a -it container on a real pty: typing reaches its shell, exit ends the attach', { skip }, async (t) => {
    const name = safeName(t);
    await runBerth(0, 'run', '-d', '-it', '--name', name, 'busybox', 'sh');
    const p = runBerthPty(['attach', name]);
    try {
      await sleep(500);
      p.write('echo attached-$((40+2))\n');
      await p.waitFor(/attached-42/);
      p.write('exit 4\n');
      assert.equal(await p.exited, 4);
    } finally {
      p.kill();
    }
    assert.equal(await inspectField(name, '{{.State.Status}} {{.State.ExitCode}}'), 'exited 4');
  });

  test('detach keys: ctrl-p ctrl-q leaves attach (status 1, docker\'s message) and run -it (status 0); the container runs on', { skip }, async (t) => {
    const name = safeName(t);
    await runBerth(0, 'run', '-d', '-it', '--name', name, 'busybox', 'sh');
    const p = runBerthPty(['attach', name]);
    try {
      await sleep(500);
      // a ctrl-p followed by something else reaches the shell (as ^P, then the command runs)
      p.write('\x10echo one-$((1+1))\n');
      await p.waitFor(/one-2/);
      p.write('\x10\x11');
      assert.equal(await p.exited, 1);
      assert.match(p.output(), /read escape sequence/);
    } finally {
      p.kill();
    }
    assert.equal(await inspectField(name, '{{.State.Status}}'), 'running');
    const q = runBerthPty(['attach', '--detach-keys', 'ctrl-a,x', name]);
    try {
      await sleep(500);
      q.write('\x01x');
      assert.equal(await q.exited, 1);
    } finally {
      q.kill();
    }
    assert.match((await runBerth(125, 'attach', '--detach-keys', 'ctrl-1', name)).stderr, /invalid --detach-keys "ctrl-1": unknown key "ctrl-1"/);
    const name2 = safeName(t) + '-run';
    const r = runBerthPty(['run', '-it', '--name', name2, 'busybox', 'sh']);
    try {
      await sleep(800);
      r.write('echo in-run-$((3+4))\n');
      await r.waitFor(/in-run-7/);
      r.write('\x10\x11');
      assert.equal(await r.exited, 0);
    } finally {
      r.kill();
    }
    assert.equal(await inspectField(name2, '{{.State.Status}}'), 'running');
    await runBerth(0, 'rm', '-f', name, name2);
  });

  test('a signal to berth attach goes to the container (--sig-proxy)', { skip }, async (t) => {
    const name = safeName(t);
    await runBerth(0, 'run', '-d', '--name', name, 'busybox', 'sh', '-c', 'trap "echo got-int; exit 9" INT; while true; do echo tick; sleep 0.1; done');
    const a = startBerth(['attach', name]);
    // attached (and forwarding) once the output flows
    await a.waitFor(/tick/);
    a.kill('SIGINT');
    assert.equal(await a.exited, 9);
    assert.match(a.stdout(), /^(tick\n)+got-int\n$/);
  });

  test('a stopped container is refused in docker\'s words; a missing one too', { skip }, async (t) => {
    const name = safeName(t);
    await runBerth(0, 'create', '--name', name, 'busybox', 'true');
    assert.equal((await runBerth(1, 'attach', name)).stderr, 'Error: You cannot attach to a stopped container, start it first\n');
    assert.match((await runBerth(1, 'attach', 'no-such-container')).stderr, /No such container: no-such-container/);
  });
});

test('leaves nothing behind', { skip }, async () => {
  const left = (await runBerth(0, 'ps', '-aq')).stdout.split('\n').filter(Boolean);
  if (left.length > 0) await runBerth(0, 'rm', '-f', ...left);
  await leakCheck();
});
