// berth rename: names stay unique; docker's messages for the refusals.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { sandbox } from '../helpers/berth-sandbox.ts';

const sb = sandbox();
after(() => sb.finish());

test('rename a running container: it keeps running under its new name', async () => {
  const id = (await sb.run(0, 'run', '-d', '--name', 'r-old', 'busybox', 'sleep', '1000')).stdout.trim();
  const r = await sb.run(0, 'rename', 'r-old', 'r-new');
  assert.equal(r.stdout, '');
  assert.equal(await sb.field('r-new', '{{.Id}} {{.Name}} {{.State.Status}}'), `${id} /r-new running`);
  await sb.run(1, 'inspect', 'r-old');
  const ps = await sb.run(0, 'ps', '--format', '{{.Names}}');
  assert.equal(ps.stdout, 'r-new\n');
  // the old name is free again
  await sb.run(0, 'create', '--name', 'r-old', 'busybox', 'true');
});

test('rename refuses a taken name, an invalid one, the same name and a missing container', async () => {
  const other = (await sb.run(0, 'inspect', '-f', '{{.Id}}', 'r-old')).stdout.trim();
  const taken = await sb.run(1, 'rename', 'r-new', 'r-old');
  assert.equal(taken.stderr, `Error response from daemon: Conflict. The container name "/r-old" is already in use by container "${other}". You have to remove (or rename) that container to be able to reuse that name.\n`);
  const invalid = await sb.run(1, 'rename', 'r-new', 'bad name!');
  assert.equal(invalid.stderr, 'Error response from daemon: Invalid container name (bad name!), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed\n');
  const same = await sb.run(1, 'container', 'rename', 'r-new', 'r-new');
  assert.equal(same.stderr, 'Error response from daemon: Renaming a container with the same name as its current name\n');
  const missing = await sb.run(1, 'rename', 'nosuch-r', 'x-r');
  assert.equal(missing.stderr, 'Error response from daemon: No such container: nosuch-r\n');
  const args = await sb.run(1, 'rename', 'r-new');
  assert.match(args.stderr, /missing required argument/);
  assert.equal(await sb.field('r-new', '{{.Name}}'), '/r-new');
});
