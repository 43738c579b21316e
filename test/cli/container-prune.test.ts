// berth container prune: every stopped container (created or exited), docker's report.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { sandbox } from '../helpers/berth-sandbox.ts';

const sb = sandbox();
after(() => sb.finish());

test('prune -f removes the stopped containers and keeps the running ones', async () => {
  const exited = (await sb.run(0, 'run', '-d', '--name', 'cpr-exited', 'busybox', 'sh', '-c', 'head -c 3000 /dev/zero > /f')).stdout.trim();
  await sb.run(0, 'wait', 'cpr-exited');
  const created = (await sb.run(0, 'create', '--name', 'cpr-created', 'busybox', 'true')).stdout.trim();
  await sb.run(0, 'run', '-d', '--name', 'cpr-running', 'busybox', 'sleep', '1000');
  const r = await sb.run(0, 'container', 'prune', '-f');
  const lines = r.stdout.split('\n');
  assert.equal(lines[0], 'Deleted Containers:');
  assert.deepEqual(lines.slice(1, 3).sort(), [created, exited].sort());
  assert.equal(lines[3], '');
  assert.match(lines[4]!, /^Total reclaimed space: \d+(\.\d+)?kB$/);
  assert.equal((await sb.run(0, 'ps', '-a', '--format', '{{.Names}}')).stdout, 'cpr-running\n');
  const again = await sb.run(0, 'container', 'prune', '-f');
  assert.equal(again.stdout, 'Total reclaimed space: 0B\n');
});

test('filters: label, label!, until', async () => {
  await sb.run(0, 'create', '--name', 'cpr-a', '--label', 'keep=yes', 'busybox', 'true');
  await sb.run(0, 'create', '--name', 'cpr-b', '--label', 'keep=no', 'busybox', 'true');
  const labelled = await sb.run(0, 'container', 'prune', '-f', '--filter', 'label=keep=no');
  assert.match(labelled.stdout, /^Deleted Containers:\n[0-9a-f]{64}\n\n/);
  assert.equal((await sb.run(0, 'ps', '-a', '-q', '--filter', 'name=cpr-b')).stdout, '');
  const until = await sb.run(0, 'container', 'prune', '-f', '--filter', 'until=1h');
  assert.equal(until.stdout, 'Total reclaimed space: 0B\n', 'nothing is an hour old');
  await sb.run(0, 'container', 'prune', '-f', '--filter', 'label!=keep=yes');
  assert.equal((await sb.run(0, 'ps', '-a', '--format', '{{.Names}}', '--filter', 'name=cpr-a')).stdout, 'cpr-a\n');
  await sb.run(0, 'container', 'prune', '-f', '--filter', `until=${new Date(Date.now() + 60_000).toISOString()}`);
  assert.equal((await sb.run(0, 'ps', '-a', '--format', '{{.Names}}')).stdout, 'cpr-running\n');
  const bad = await sb.run(1, 'container', 'prune', '-f', '--filter', 'name=x');
  assert.equal(bad.stderr, "Error: invalid filter 'name'\n");
});

test('without -f it asks, and a no keeps everything', async () => {
  await sb.run(0, 'create', '--name', 'cpr-ask', 'busybox', 'true');
  const no = await sb.runWith({ expected: 0, input: 'no\n' }, 'container', 'prune');
  assert.equal(no.stdout, 'WARNING! This will remove all stopped containers.\nAre you sure you want to continue? [y/N] ');
  assert.equal((await sb.run(0, 'ps', '-a', '-q', '--filter', 'name=cpr-ask')).stdout.length, 13);
  const yes = await sb.runWith({ expected: 0, input: 'y\n' }, 'container', 'prune');
  assert.match(yes.stdout, /\[y\/N\] Deleted Containers:\n[0-9a-f]{64}\n\nTotal reclaimed space: 0B\n$/);
});
