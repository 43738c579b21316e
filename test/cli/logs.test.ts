// berth logs: stdout and stderr as the container wrote them, --tail, --since, --until, -t, -f
// until the container stops, and the rotated log (--log-opt max-size/max-file) read whole: every
// line kept, in order, none torn, also while -f follows a container that rotates it.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { berthEnv, cliSkipReason, inspectField, leakCheck, runBerth, safeName, startBerth } from '../helpers/berth-cli.ts';

const skip = cliSkipReason();
const env = skip ? undefined : berthEnv({}, { busybox: true });
after(() => env?.cleanup());

const seq = (from: number, to: number, prefix = 'line'): string => Array.from({ length: to - from + 1 }, (_, i) => `${prefix}${from + i}\n`).join('');

describe('logs', { concurrency: 3 }, () => {
  test('stdout and stderr apart; --tail; -t; --since and --until', { skip }, async (t) => {
    const name = safeName(t);
    await runBerth(0, 'run', '--name', name, 'busybox', 'sh', '-c', 'for i in 1 2 3 4 5; do echo line$i; done; echo oops >&2; printf "no newline"');
    const all = await runBerth(0, 'logs', name);
    assert.equal(all.stdout, `${seq(1, 5)}no newline`);
    assert.equal(all.stderr, 'oops\n');
    assert.equal((await runBerth(0, 'logs', '--tail', '2', name)).stdout, 'no newline', 'the last two entries: oops (stderr) and the unfinished line');
    assert.equal((await runBerth(0, 'logs', '-n', '3', name)).stdout, 'line5\nno newline');
    assert.equal((await runBerth(0, 'logs', '--tail', '0', name)).stdout, '');
    assert.equal((await runBerth(0, 'logs', '--tail', 'all', name)).stdout, `${seq(1, 5)}no newline`);
    const stamped = (await runBerth(0, 'logs', '-t', name)).stdout.split('\n');
    assert.match(stamped[0]!, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z line1$/);
    const started = Date.parse(await inspectField(name, '{{.State.StartedAt}}'));
    assert.equal((await runBerth(0, 'logs', '--since', '10m', name)).stdout, `${seq(1, 5)}no newline`);
    assert.equal((await runBerth(0, 'logs', '--since', String(Math.ceil(Date.now() / 1000) + 5), name)).stdout, '');
    assert.equal((await runBerth(0, 'logs', '--until', new Date(started - 60_000).toISOString(), name)).stdout, '');
    assert.equal((await runBerth(0, 'logs', '--until', '0s', name)).stdout, `${seq(1, 5)}no newline`);
    assert.match((await runBerth(125, 'logs', '--tail', 'some', name)).stderr, /invalid value for "--tail"/);
    assert.match((await runBerth(125, 'logs', '--since', 'yesterday-ish', name)).stderr, /--since/);
    await runBerth(0, 'rm', name);
  });

  test('a container that does not exist: docker\'s words, exit 1', { skip }, async () => {
    assert.match((await runBerth(1, 'logs', 'no-such-container')).stderr, /No such container: no-such-container/);
  });

  test('-f prints what comes and ends when the container stops', { skip }, async (t) => {
    const name = safeName(t);
    await runBerth(0, 'run', '-d', '--name', name, 'busybox', 'sh', '-c', 'echo first; while [ ! -e /tmp/go ]; do sleep 0.05; done; echo second; echo to-err >&2; sleep 0.3; echo last');
    const f = startBerth(['logs', '-f', name]);
    await f.waitFor(/^first\n$/);
    await runBerth(0, 'exec', name, 'touch', '/tmp/go');
    assert.equal(await f.exited, 0);
    assert.equal(f.stdout(), 'first\nsecond\nlast\n');
    assert.equal(f.stderr(), 'to-err\n');
    // -f on a stopped container prints what there is and returns
    assert.equal((await runBerth(0, 'logs', '-f', '--tail', '1', name)).stdout, 'last\n');
    await runBerth(0, 'rm', name);
  });

  test('a -t container\'s log is what its terminal showed', { skip }, async (t) => {
    const name = safeName(t);
    await runBerth(0, 'run', '-t', '--name', name, 'busybox', 'sh', '-c', 'echo a; echo b >&2');
    assert.equal((await runBerth(0, 'logs', name)).stdout, 'a\r\nb\r\n');
    await runBerth(0, 'rm', name);
  });

  test('rotation: every line kept in order, none torn, only max-file files', { skip }, async (t) => {
    const name = safeName(t);
    // about 30 KiB of output against files of 4 KiB: rotated many times, the oldest dropped
    await runBerth(0, 'run', '--name', name, '--log-opt', 'max-size=4k', '--log-opt', 'max-file=3', 'busybox', 'sh', '-c', 'i=1; while [ $i -le 1000 ]; do echo "line$i"; i=$((i+1)); done');
    const logPath = await inspectField(name, '{{.LogPath}}');
    const files = readdirSync(dirname(logPath)).filter((f) => f.startsWith('container.log')).sort();
    assert.deepEqual(files, ['container.log', 'container.log.1', 'container.log.2'], 'max-file=3 files');
    for (const f of files) assert.ok(readFileSync(`${dirname(logPath)}/${f}`).length <= 4096, `${f} within max-size`);
    const out = (await runBerth(0, 'logs', name)).stdout;
    const lines = out.trimEnd().split('\n');
    const first = Number(lines[0]!.slice(4));
    assert.ok(first > 1 && first < 1000, `the oldest lines are gone (first kept: ${first})`);
    assert.equal(out, seq(first, 1000), 'what is kept is whole and in order');
    assert.ok(lines.length > 160, `about two and a half files of lines (${lines.length})`);
    assert.equal((await runBerth(0, 'logs', '--tail', '5', name)).stdout, seq(996, 1000));
    await runBerth(0, 'rm', name);
  });

  test('rotation while -f follows: the follower misses nothing', { skip }, async (t) => {
    const name = safeName(t);
    // 20 files of 2 KiB: the writer pauses now and then, so the follower keeps up with rotation
    await runBerth(0, 'run', '-d', '--name', name, '--log-opt', 'max-size=2k', '--log-opt', 'max-file=20', 'busybox', 'sh', '-c',
      'echo ready; while [ ! -e /tmp/go ]; do sleep 0.05; done; i=1; while [ $i -le 2000 ]; do echo "line$i"; [ $((i % 200)) = 0 ] && sleep 0.2; i=$((i+1)); done');
    const f = startBerth(['logs', '-f', name]);
    // the follower is reading before the writer starts
    await f.waitFor(/^ready\n/);
    await runBerth(0, 'exec', name, 'touch', '/tmp/go');
    assert.equal(await f.exited, 0);
    assert.equal(f.stdout(), `ready\n${seq(1, 2000)}`);
    await runBerth(0, 'rm', name);
  });

  test('bad --log-opt values are refused', { skip }, async () => {
    assert.match((await runBerth(125, 'run', '--rm', '--log-opt', 'max-size=lots', 'busybox', 'true')).stderr, /max-size/);
    assert.match((await runBerth(125, 'run', '--rm', '--log-opt', 'max-file=0', 'busybox', 'true')).stderr, /max-file/);
    assert.match((await runBerth(125, 'run', '--rm', '--log-opt', 'compress=true', 'busybox', 'true')).stderr, /unknown log opt 'compress'/);
  });
});

test('leaves nothing behind', { skip }, () => leakCheck());
