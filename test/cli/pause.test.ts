// berth pause / unpause: the cgroup freezer through the runtime, State.Paused in the record.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { sandbox } from '../helpers/berth-sandbox.ts';

const sb = sandbox();
after(() => sb.finish());

test('pause freezes the container and records it; unpause thaws it', async () => {
  const id = (await sb.run(0, 'run', '-d', '--name', 'p1', 'busybox', 'sh', '-c', 'i=0; while :; do i=$((i+1)); echo $i > /tmp/n; sleep 0.05; done')).stdout.trim();
  const p = await sb.run(0, 'pause', 'p1');
  assert.equal(p.stdout, 'p1\n');
  assert.equal(await sb.field('p1', '{{.State.Status}} {{.State.Paused}} {{.State.Running}}'), 'paused true true');
  const ps = await sb.run(0, 'ps', '--format', '{{.Names}} {{.State}} {{.Status}}');
  assert.match(ps.stdout, /^p1 paused Up .* \(Paused\)$/m);
  // frozen: its cgroup says so, and exec is refused
  const freezer = await sb.run(0, 'stats', '--no-stream', '--format', '{{.Name}} {{.PIDs}}', 'p1');
  assert.equal(freezer.stdout, 'p1 2\n');
  const ex = await sb.run(undefined, 'exec', 'p1', 'true');
  assert.notEqual(ex.status, 0);
  assert.match(ex.stderr, new RegExp(`Container ${id} is paused, unpause the container before exec`));
  const u = await sb.run(0, 'unpause', 'p1');
  assert.equal(u.stdout, 'p1\n');
  assert.equal(await sb.field('p1', '{{.State.Status}} {{.State.Paused}}'), 'running false');
  const a = Number((await sb.run(0, 'exec', 'p1', 'cat', '/tmp/n')).stdout);
  await new Promise((r) => setTimeout(r, 300));
  const b = Number((await sb.run(0, 'exec', 'p1', 'cat', '/tmp/n')).stdout);
  assert.ok(b > a, `the loop runs again after unpause (${a} -> ${b})`);
});

test('pausing twice, unpausing a running container, and pausing a stopped one fail with docker\'s messages', async () => {
  const id = (await sb.run(0, 'inspect', '-f', '{{.Id}}', 'p1')).stdout.trim();
  await sb.run(0, 'pause', 'p1');
  const twice = await sb.run(1, 'pause', 'p1');
  assert.equal(twice.stderr, `Error response from daemon: container ${id} is already paused\n`);
  await sb.run(0, 'unpause', 'p1');
  const notPaused = await sb.run(1, 'unpause', 'p1');
  assert.equal(notPaused.stderr, `Error response from daemon: Container ${id} is not paused\n`);
  const stopped = (await sb.run(0, 'create', 'busybox', 'true')).stdout.trim();
  const r = await sb.run(1, 'pause', stopped);
  assert.equal(r.stderr, `Error response from daemon: container ${stopped} is not running\n`);
  const none = await sb.run(1, 'unpause', 'nosuch-pause');
  assert.equal(none.stderr, 'Error response from daemon: No such container: nosuch-pause\n');
});

test('several containers: each is tried, the status is 1 if one failed', async () => {
  await sb.run(0, 'run', '-d', '--name', 'p2', 'busybox', 'sleep', '1000');
  const r = await sb.run(1, 'pause', 'p1', 'nosuch-p', 'p2');
  assert.equal(r.stdout, 'p1\np2\n');
  assert.match(r.stderr, /No such container: nosuch-p/);
  await sb.run(0, 'unpause', 'p1', 'p2');
});

test('a paused container can be stopped and removed', async () => {
  await sb.run(0, 'pause', 'p2');
  await sb.run(0, 'stop', '-t', '1', 'p2');
  assert.equal(await sb.field('p2', '{{.State.Status}} {{.State.Paused}}'), 'exited false');
  await sb.run(0, 'pause', 'p1');
  await sb.run(0, 'rm', '-f', 'p1');
});
