// berth diff: the container's changes against its image, docker's "A/C/D path" lines.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { sandbox } from '../helpers/berth-sandbox.ts';

const sb = sandbox();
after(() => sb.finish());

test('added, changed and deleted paths, sorted, without the mount points berth made', async () => {
  await sb.run(0, 'run', '--name', 'd1', 'busybox', 'sh', '-c', 'mkdir /newdir && echo x > /newdir/f && echo y >> /etc/group && rm /bin/ls');
  const r = await sb.run(0, 'diff', 'd1');
  assert.equal(r.stdout, ['C /bin', 'D /bin/ls', 'C /etc', 'C /etc/group', 'A /newdir', 'A /newdir/f', ''].join('\n'));
  const same = await sb.run(0, 'container', 'diff', 'd1');
  assert.equal(same.stdout, r.stdout);
});

test('a running container, one that never ran, one that changed nothing', async () => {
  await sb.run(0, 'run', '-d', '--name', 'd2', 'busybox', 'sh', '-c', 'touch /tmp/live; sleep 1000');
  await sb.run(0, 'exec', 'd2', 'true');
  const live = await sb.run(0, 'diff', 'd2');
  assert.match(live.stdout, /^A \/tmp\/live$/m);
  await sb.run(0, 'create', '--name', 'd3', 'busybox', 'true');
  assert.equal((await sb.run(0, 'diff', 'd3')).stdout, '');
  await sb.run(0, 'run', '--name', 'd4', 'busybox', 'true');
  assert.equal((await sb.run(0, 'diff', 'd4')).stdout, '');
});

test('diff of a missing container', async () => {
  const r = await sb.run(1, 'diff', 'nosuch-diff');
  assert.equal(r.stderr, 'Error response from daemon: No such container: nosuch-diff\n');
});
