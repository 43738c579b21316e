// berth volume create/ls/inspect/rm/prune: docker's output, filters, in-use refusals.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sandbox } from '../helpers/berth-sandbox.ts';

const sb = sandbox();
after(() => sb.finish());

test('create prints the name; create of an existing name is a no-op; no name makes one', async () => {
  assert.equal((await sb.run(0, 'volume', 'create', 'vol-a')).stdout, 'vol-a\n');
  assert.equal((await sb.run(0, 'volume', 'create', '--label', 'tier=db', '--label', 'k', 'vol-b')).stdout, 'vol-b\n');
  assert.equal((await sb.run(0, 'volume', 'create', 'vol-a')).stdout, 'vol-a\n');
  const anon = (await sb.run(0, 'volume', 'create')).stdout.trim();
  assert.match(anon, /^[0-9a-f]{64}$/);
  await sb.run(0, 'volume', 'rm', anon);
  const bad = await sb.run(1, 'volume', 'create', 'bad name');
  assert.match(bad.stderr, /^Error response from daemon: invalid volume name "bad name"/);
  const driver = await sb.run(1, 'volume', 'create', '-d', 'nfs', 'vol-x');
  assert.match(driver.stderr, /volume driver "nfs" is not supported/);
  const opt = await sb.run(1, 'volume', 'create', '-o', 'type=tmpfs', 'vol-x');
  assert.match(opt.stderr, /volume options \(type\) are not supported/);
});

test('ls: docker\'s table, -q, filters and --format', async () => {
  const ls = await sb.run(0, 'volume', 'ls');
  assert.equal(ls.stdout, 'DRIVER    VOLUME NAME\nlocal     vol-a\nlocal     vol-b\n');
  assert.equal((await sb.run(0, 'volume', 'ls', '-q')).stdout, 'vol-a\nvol-b\n');
  assert.equal((await sb.run(0, 'volume', 'ls', '-q', '--filter', 'label=tier=db')).stdout, 'vol-b\n');
  assert.equal((await sb.run(0, 'volume', 'ls', '-q', '--filter', 'label=k')).stdout, 'vol-b\n');
  assert.equal((await sb.run(0, 'volume', 'ls', '-q', '--filter', 'name=a')).stdout, 'vol-a\n');
  await sb.run(0, 'create', '--name', 'uses-a', '-v', 'vol-a:/data', 'busybox', 'true');
  assert.equal((await sb.run(0, 'volume', 'ls', '-q', '--filter', 'dangling=true')).stdout, 'vol-b\n');
  assert.equal((await sb.run(0, 'volume', 'ls', '-q', '--filter', 'dangling=false')).stdout, 'vol-a\n');
  const f = await sb.run(0, 'volume', 'ls', '--format', '{{.Name}} {{.Driver}} {{.Scope}} {{.Labels}} {{.Label "tier"}}');
  assert.equal(f.stdout, 'vol-a local local  \nvol-b local local k=,tier=db db\n');
  const json = await sb.run(0, 'volume', 'ls', '--format', 'json', '--filter', 'name=vol-b');
  assert.equal((JSON.parse(json.stdout) as { Name: string }).Name, 'vol-b');
  const table = await sb.run(0, 'volume', 'ls', '--format', 'table {{.Name}}\t{{.Mountpoint}}');
  assert.match(table.stdout, /^VOLUME NAME\s+MOUNTPOINT\nvol-a\s+\S+\/volumes\/vol-a\/_data\n/);
  const bad = await sb.run(1, 'volume', 'ls', '--filter', 'colour=red');
  assert.equal(bad.stderr, "Error response from daemon: invalid filter 'colour'\n");
});

test('inspect: docker\'s JSON, --format, and a missing volume', async () => {
  const r = await sb.run(0, 'volume', 'inspect', 'vol-b');
  const [v] = JSON.parse(r.stdout) as Record<string, unknown>[];
  assert.deepEqual(Object.keys(v!), ['CreatedAt', 'Driver', 'Labels', 'Mountpoint', 'Name', 'Options', 'Scope']);
  assert.deepEqual(v!['Labels'], { tier: 'db', k: '' });
  assert.equal(v!['Mountpoint'], join(sb.root, 'volumes', 'vol-b', '_data'));
  assert.equal((await sb.run(0, 'volume', 'inspect', '-f', '{{.Name}} {{.Driver}}', 'vol-a', 'vol-b')).stdout, 'vol-a local\nvol-b local\n');
  const missing = await sb.run(1, 'volume', 'inspect', 'vol-a', 'nosuch-vol');
  assert.equal(missing.stderr, 'Error response from daemon: get nosuch-vol: no such volume\n');
  assert.equal((JSON.parse(missing.stdout) as unknown[]).length, 1);
});

test('rm refuses a volume a container uses, even a stopped one; -f ignores missing ones', async () => {
  const id = (await sb.run(0, 'inspect', '-f', '{{.Id}}', 'uses-a')).stdout.trim();
  const used = await sb.run(1, 'volume', 'rm', 'vol-a');
  assert.equal(used.stderr, `Error response from daemon: remove vol-a: volume is in use - [${id}]\n`);
  const missing = await sb.run(1, 'volume', 'rm', 'nosuch-vol');
  assert.equal(missing.stderr, 'Error response from daemon: get nosuch-vol: no such volume\n');
  assert.equal((await sb.run(0, 'volume', 'rm', '-f', 'nosuch-vol')).stdout, 'nosuch-vol\n');
  await sb.run(0, 'rm', 'uses-a');
  assert.equal((await sb.run(0, 'volume', 'rm', 'vol-a')).stdout, 'vol-a\n');
  assert.ok(!existsSync(join(sb.root, 'volumes', 'vol-a')));
});

test('prune: anonymous unused volumes by default, every unused one with -a; reclaimed space', async () => {
  // anonymous volumes: -v /path, one used by a container that stays, one of a removed container
  await sb.run(0, 'create', '--name', 'keeps', '-v', '/kept', 'busybox', 'true');
  await sb.run(0, 'run', '--name', 'gone', '-v', '/dropped', 'busybox', 'sh', '-c', 'head -c 5000 /dev/zero > /dropped/f');
  const dropped = (await sb.run(0, 'inspect', '-f', '{{range .Mounts}}{{.Name}}{{end}}', 'gone')).stdout.trim();
  const kept = (await sb.run(0, 'inspect', '-f', '{{range .Mounts}}{{.Name}}{{end}}', 'keeps')).stdout.trim();
  const labels = await sb.run(0, 'volume', 'inspect', '-f', '{{json .Labels}}', dropped);
  assert.equal(labels.stdout, '{"com.docker.volume.anonymous":""}\n');
  await sb.run(0, 'rm', 'gone');
  writeFileSync(join(sb.root, 'volumes', 'vol-b', '_data', 'x'), 'x');
  const r = await sb.run(0, 'volume', 'prune', '-f');
  assert.equal(r.stdout, `Deleted Volumes:\n${dropped}\n\nTotal reclaimed space: 5kB\n`);
  const left = (await sb.run(0, 'volume', 'ls', '-q')).stdout.split('\n').filter(Boolean).sort();
  assert.deepEqual(left, [kept, 'vol-b'].sort());
  const none = await sb.run(0, 'volume', 'prune', '-f');
  assert.equal(none.stdout, 'Total reclaimed space: 0B\n');
  const all = await sb.run(0, 'volume', 'prune', '-f', '-a', '--filter', 'label=tier=db');
  assert.equal(all.stdout, 'Deleted Volumes:\nvol-b\n\nTotal reclaimed space: 1B\n');
  const answerNo = await sb.runWith({ expected: 0, input: 'n\n' }, 'volume', 'prune');
  assert.equal(answerNo.stdout, 'WARNING! This will remove anonymous local volumes not used by at least one container.\nAre you sure you want to continue? [y/N] ');
  await sb.run(0, 'rm', '-v', 'keeps');
  assert.equal((await sb.run(0, 'volume', 'ls', '-q')).stdout, '');
});
