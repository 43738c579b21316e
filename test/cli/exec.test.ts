// berth exec into a running container: output and status, 126/127, -it on a real pty, -i, -d,
// -e, -u, -w, --privileged, and what a stopped or missing container gives.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { berthEnv, cliSkipReason, leakCheck, runBerth, runBerthPty, safeName, waitFor } from '../helpers/berth-cli.ts';

const skip = cliSkipReason();
const env = skip ? undefined : berthEnv({}, { busybox: true });
after(() => env?.cleanup());

let ctr = '';
before(async () => {
  if (skip) return;
  ctr = safeName(undefined, 'exec');
  await runBerth(0, 'run', '-d', '--name', ctr, '-e', 'FROM_RUN=1', '-w', '/tmp', 'busybox', 'sleep', '300');
});

describe('exec', { concurrency: 4 }, () => {
  test('output, stdout and stderr apart, and the command\'s status', { skip }, async () => {
    const r = await runBerth(5, 'exec', ctr, 'sh', '-c', 'echo out; echo err >&2; exit 5');
    assert.equal(r.stdout, 'out\n');
    assert.equal(r.stderr, 'err\n');
    await runBerth(0, 'exec', ctr, 'true');
    // exec's flags stop at the command: its own flags are its own
    assert.equal((await runBerth(0, 'exec', ctr, 'ls', '-d', '/tmp')).stdout, '/tmp\n');
  });

  test('127 for a missing command, 126 for one that cannot run', { skip }, async () => {
    assert.match((await runBerth(127, 'exec', ctr, 'no-such-command')).stderr, /no-such-command/);
    assert.match((await runBerth(126, 'exec', ctr, '/etc/passwd')).stderr, /permission denied/);
  });

  test('the container\'s environment and working directory, changed by -e and -w', { skip }, async () => {
    const r = await runBerth(0, 'exec', ctr, 'sh', '-c', 'echo $FROM_RUN $PWD');
    assert.equal(r.stdout, '1 /tmp\n');
    assert.equal((await runBerth(0, 'exec', '-e', 'X=y', '-e', 'FROM_RUN=2', '-w', '/etc', ctr, 'sh', '-c', 'echo $X $FROM_RUN $PWD')).stdout, 'y 2 /etc\n');
  });

  test('-u: a name from the container\'s passwd, or uid:gid', { skip }, async () => {
    assert.match((await runBerth(0, 'exec', '-u', 'nobody', ctr, 'id')).stdout, /^uid=65534\(nobody\) gid=65534\(nogroup\)/);
    assert.match((await runBerth(0, 'exec', '-u', '123:456', ctr, 'id')).stdout, /^uid=123 gid=456/);
    assert.match((await runBerth(0, 'exec', ctr, 'id')).stdout, /^uid=0\(root\) gid=0\(root\)/);
  });

  test('-i: our stdin to the command; without -i it reads nothing', { skip }, async () => {
    assert.equal((await runBerth({ exit: 0, input: 'abc\n' }, 'exec', '-i', ctr, 'cat')).stdout, 'abc\n');
    assert.equal((await runBerth({ exit: 0, input: 'abc\n' }, 'exec', ctr, 'sh', '-c', 'cat; echo end')).stdout, 'end\n');
  });

  test('-it: a shell on a real pty, its status back', { skip }, async () => {
    const p = runBerthPty(['exec', '-it', ctr, 'sh']);
    try {
      await p.waitFor(/# /);
      p.write('tty; stty size; echo "in-$PWD"\n');
      await p.waitFor(/in-\/tmp/);
      assert.match(p.output(), /\/dev\/pts\/\d+/);
      assert.match(p.output(), /30 100/);
      p.write('exit 6\n');
      assert.equal(await p.exited, 6);
    } finally {
      p.kill();
    }
  });

  test('-d: started in the background, berth returns at once', { skip }, async () => {
    const r = await runBerth(0, 'exec', '-d', ctr, 'sh', '-c', 'sleep 0.5; touch /tmp/done-by-d');
    assert.equal(r.stdout, '');
    await waitFor(async () => (await runBerth({}, 'exec', ctr, 'test', '-e', '/tmp/done-by-d')).status === 0, { what: 'the detached command' });
  });

  // docker's shim keeps an exec -d process; berth has no daemon, so the container's monitor
  // starts its helper and takes the orphan: it is reaped there, not left to whatever is above
  // `berth exec` (here: a PID 1 that reaps nothing, where it would stay a zombie)
  test('-d: the process is the container monitor\'s child, and is reaped when it ends', { skip }, async () => {
    const stat = (pid: number): string[] | undefined => {
      try {
        const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
        return text.slice(text.lastIndexOf(')') + 2).split(' ');
      } catch {
        return undefined;
      }
    };
    const init = Number((await runBerth(0, 'inspect', '-f', '{{.State.Pid}}', ctr)).stdout);
    const monitor = Number(stat(init)![1]);
    await runBerth(0, 'exec', '-d', ctr, 'sh', '-c', 'exec sleep 1.5');
    const pid = await waitFor(() => readdirSync('/proc').map(Number).find((p) => p > 0 && stat(p)?.[1] === String(monitor) && p !== init && readFileSync(`/proc/${p}/cmdline`, 'utf8') === 'sleep\x001.5\x00'), { what: 'the exec\'d sleep under the monitor' });
    await waitFor(() => stat(pid) === undefined, { what: 'the exec\'d process to be reaped (not left a zombie)' });
  });

  test('--privileged: every capability for the command only', { skip }, async () => {
    const eff = (await runBerth(0, 'exec', '--privileged', ctr, 'sh', '-c', 'grep CapEff /proc/self/status')).stdout;
    const plain = (await runBerth(0, 'exec', ctr, 'sh', '-c', 'grep CapEff /proc/self/status')).stdout;
    assert.ok(BigInt(`0x${eff.split(':')[1]!.trim()}`) > BigInt(`0x${plain.split(':')[1]!.trim()}`));
  });

  test('a stopped container, a missing one', { skip }, async (t) => {
    const stopped = safeName(t);
    await runBerth(0, 'create', '--name', stopped, 'busybox', 'true');
    assert.match((await runBerth(125, 'exec', stopped, 'true')).stderr, /is not running/);
    await runBerth(0, 'rm', stopped);
    assert.match((await runBerth(125, 'exec', 'no-such-container', 'true')).stderr, /No such container: no-such-container/);
  });

  test('an exec\'d process does not keep the container alive, nor does the container outlive stop', { skip }, async (t) => {
    const name = safeName(t);
    await runBerth(0, 'run', '-d', '--name', name, 'busybox', 'sleep', '300');
    await runBerth(0, 'exec', '-d', name, 'sleep', '300');
    await runBerth(0, 'stop', '-t', '1', name);
    assert.equal((await runBerth(0, 'inspect', '-f', '{{.State.Status}}', name)).stdout, 'exited\n');
    await runBerth(0, 'rm', name);
  });
});

test('leaves nothing behind', { skip }, async () => {
  await runBerth(0, 'rm', '-f', ctr);
  await leakCheck();
});
