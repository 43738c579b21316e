// berth commit: the container's changes as a new layer on its image, its config with --change,
// the author and message; paused while read unless --pause=false.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { sandbox } from '../helpers/berth-sandbox.ts';

const sb = sandbox();
after(() => sb.finish());

test('commit a stopped container: the new image has its files, config and history', async () => {
  await sb.run(0, 'run', '--name', 'c1', '-e', 'FROMRUN=1', '-w', '/tmp', 'busybox', 'sh', '-c', 'mkdir -p /work && echo committed > /work/file && rm /bin/ls');
  const r = await sb.run(0, 'commit', '-m', 'my message', '-a', 'A. Author <a@example.com>', '-c', 'CMD ["cat", "/work/file"]', '-c', 'ENV ADDED=yes', '-c', 'LABEL com.example.k=v', 'c1', 'committed:v1');
  assert.match(r.stdout, /^sha256:[0-9a-f]{64}\n$/);
  const id = r.stdout.trim();
  const run = await sb.run(0, 'run', '--rm', 'committed:v1');
  assert.equal(run.stdout, 'committed\n');
  const env = await sb.run(0, 'run', '--rm', 'committed:v1', 'sh', '-c', 'echo $FROMRUN $ADDED; pwd; ls /bin/ls 2>&1 || true');
  assert.equal(env.stdout, '1 yes\n/tmp\nls: /bin/ls: No such file or directory\n');
  const cfg = await sb.run(0, 'image', 'inspect', '-f', '{{.Id}}|{{.Author}}|{{.Comment}}|{{json .Config.Cmd}}|{{index .Config.Labels "com.example.k"}}|{{len .RootFS.Layers}}', 'committed:v1');
  assert.equal(cfg.stdout, `${id}|A. Author <a@example.com>|my message|["cat","/work/file"]|v|2\n`);
  const history = await sb.run(0, 'history', '--no-trunc', '--format', '{{.CreatedBy}}|{{.Comment}}', 'committed:v1');
  assert.match(history.stdout.split('\n')[0]!, /^sh -c mkdir -p \/work && echo committed > \/work\/file && rm \/bin\/ls\|my message$/);
  const images = await sb.run(0, 'images', '--format', '{{.Repository}}:{{.Tag}}');
  assert.match(images.stdout, /^committed:v1$/m);
});

test('commit a running container: it is paused for the commit and runs on; without changes no layer is added', async () => {
  await sb.run(0, 'run', '-d', '--name', 'c2', 'busybox', 'sleep', '1000');
  const r = await sb.run(0, 'container', 'commit', 'c2');
  const id = r.stdout.trim();
  assert.equal(await sb.field('c2', '{{.State.Status}}'), 'running');
  const layers = await sb.run(0, 'image', 'inspect', '-f', '{{len .RootFS.Layers}} {{.RepoTags}}', id);
  assert.equal(layers.stdout, '1 []\n');
  await sb.run(0, 'exec', 'c2', 'touch', '/later');
  await sb.run(0, 'commit', '--pause=false', 'c2', 'committed:v2');
  assert.equal(await sb.field('c2', '{{.State.Status}}'), 'running');
  const ls = await sb.run(0, 'run', '--rm', 'committed:v2', 'ls', '/later');
  assert.equal(ls.stdout, '/later\n');
});

test('the mount points berth made are not committed', async () => {
  const tar = await sb.run(0, 'save', 'committed:v2');
  assert.ok(tar.bytes.length > 0);
  const diff = await sb.run(0, 'diff', 'c2');
  assert.doesNotMatch(diff.stdout, /\/etc\/(hosts|resolv\.conf|hostname)/);
});

test('commit refuses a bad --change and a missing container', async () => {
  const bad = await sb.run(1, 'commit', '-c', 'FROM busybox', 'c2');
  assert.match(bad.stderr, /--change "FROM" is not supported/);
  const missing = await sb.run(1, 'commit', 'nosuch-commit');
  assert.equal(missing.stderr, 'Error response from daemon: No such container: nosuch-commit\n');
});
