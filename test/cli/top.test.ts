// berth top: the host's ps narrowed to the container's processes, docker's table and errors.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { sandbox } from '../helpers/berth-sandbox.ts';

const sb = sandbox();
after(() => sb.finish());

test('top lists the container\'s processes with ps -ef columns by default', async () => {
  await sb.run(0, 'run', '-d', '--name', 'top1', 'busybox', 'sh', '-c', 'sleep 1001 & sleep 1002 & wait');
  const r = await sb.run(0, 'top', 'top1');
  const lines = r.stdout.trimEnd().split('\n');
  assert.match(lines[0]!, /^UID\s+PID\s+PPID\s+C\s+STIME\s+TTY\s+TIME\s+CMD$/);
  // docker's tabwriter: columns at least 20 wide, 3 spaces of padding
  assert.equal(lines[0]!.indexOf('PID'), 20);
  const cmds = lines.slice(1).map((l) => l.split(/\s+/).slice(7).join(' '));
  assert.ok(cmds.includes('sleep 1001'), r.stdout);
  assert.ok(cmds.includes('sleep 1002'), r.stdout);
  assert.ok(cmds.some((c) => c.startsWith('sh -c')), r.stdout);
  // nothing of the host
  assert.equal(lines.length, 4, r.stdout);
});

test('top passes ps options through, and `container top` is the same command', async () => {
  const r = await sb.run(0, 'container', 'top', 'top1', '-o', 'pid,comm');
  const lines = r.stdout.trimEnd().split('\n');
  assert.match(lines[0]!, /^PID\s+COMMAND$/);
  assert.deepEqual(lines.slice(1).map((l) => l.split(/\s+/)[1]).sort(), ['sh', 'sleep', 'sleep']);
  const aux = await sb.run(0, 'top', 'top1', 'aux');
  assert.match(aux.stdout.split('\n')[0]!, /^USER\s+PID\s+%CPU/);
});

test('top of a container that is not running, or does not exist, fails with docker\'s message', async () => {
  const id = (await sb.run(0, 'create', '--name', 'top2', 'busybox', 'true')).stdout.trim();
  const r = await sb.run(1, 'top', 'top2');
  assert.equal(r.stderr, `Error response from daemon: container ${id} is not running\n`);
  const m = await sb.run(1, 'top', 'nosuch-top');
  assert.equal(m.stderr, 'Error response from daemon: No such container: nosuch-top\n');
  const bad = await sb.run(1, 'top', 'top1', '-o', 'x=PID');
  assert.match(bad.stderr, /specifying "x=PID" is not allowed/);
});

test('top with no container is a usage error', async () => {
  const r = await sb.run(1, 'top');
  assert.match(r.stderr, /missing required argument/);
});
