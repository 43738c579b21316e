// docker save / load / import: archives berth writes are read by skopeo (docker-archive and
// oci-archive), archives skopeo writes are loaded by berth, and a round trip keeps ids and tags.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startRegistry, REGISTRY_BIN, type TestRegistry } from '../helpers/registry.ts';
import { pushImage, layerTar } from '../helpers/oci-image.ts';
import { berth, berthBuilt, berthEnv, type BerthEnv } from '../helpers/berth-cli.ts';

const run = promisify(execFile);
let reg: TestRegistry | undefined;
let env: BerthEnv;
const skip = !existsSync(REGISTRY_BIN) || !existsSync('/usr/bin/skopeo') || !berthBuilt();
let configDigest = '';

before(async () => {
  if (skip) return;
  reg = await startRegistry();
  env = berthEnv();
  const { images } = await pushImage(reg.host, 'arch/app:v1', [{ layers: [{ files: { 'a/b.txt': 'b' } }, { files: { 'c.txt': 'c', 'a/.wh.b.txt': '' } }], config: { Labels: { k: 'v' } } }]);
  configDigest = images[0]!.configDigest;
  await berth(env, 0, ['pull', '-q', `${reg.host}/arch/app:v1`]);
});
after(async () => {
  await reg?.stop();
  env?.cleanup();
});

test('save (docker-archive): skopeo inspects it, berth loads it back with the same id and tag', async (t) => {
  if (skip) return t.skip('needs docker-registry, skopeo and a built dist/berth');
  const file = join(env.root, '..', 'save.tar');
  await berth(env, 0, ['save', '-o', file, `${reg!.host}/arch/app:v1`]);
  const { stdout } = await run('skopeo', ['inspect', `docker-archive:${file}`]);
  const info = JSON.parse(stdout);
  assert.equal(info.Layers.length, 2);
  assert.deepEqual(info.Labels, { k: 'v' });
  await run('skopeo', ['--insecure-policy', 'copy', '-q', `docker-archive:${file}`, `oci:${join(env.root, '..', 'from-save')}:x`]);
  const e2 = berthEnv();
  try {
    const r = await berth(e2, 0, ['load', '-i', file]);
    assert.equal(r.stdout, `Loaded image: ${reg!.host}/arch/app:v1\n`);
    assert.equal((await berth(e2, 0, ['images', '--no-trunc', '-q'])).stdout, `${configDigest}\n`);
    // stdin works too, and loading twice changes nothing
    await berth(e2, 0, ['load'], { input: readFileSync(file) });
    assert.equal((await berth(e2, 0, ['images', '-q'])).stdout.trim().split('\n').length, 1);
  } finally {
    e2.cleanup();
  }
});

test('save --format oci-archive keeps the registry digests; skopeo reads it', async (t) => {
  if (skip) return t.skip('needs docker-registry, skopeo and a built dist/berth');
  const file = join(env.root, '..', 'save-oci.tar');
  await berth(env, 0, ['save', '--format', 'oci-archive', '-o', file, `${reg!.host}/arch/app:v1`]);
  const { stdout } = await run('skopeo', ['inspect', `oci-archive:${file}`]);
  const local = JSON.parse((await berth(env, 0, ['image', 'inspect', `${reg!.host}/arch/app:v1`])).stdout)[0];
  assert.equal(JSON.parse(stdout).Digest, local.Descriptor.digest);
  const e2 = berthEnv();
  try {
    await berth(e2, 0, ['load', '-i', file]);
    const again = JSON.parse((await berth(e2, 0, ['image', 'inspect', `${reg!.host}/arch/app:v1`])).stdout)[0];
    assert.equal(again.Id, local.Id);
    assert.equal(again.Descriptor.digest, local.Descriptor.digest);
  } finally {
    e2.cleanup();
  }
});

test('loads archives that skopeo wrote (docker-archive and oci-archive)', async (t) => {
  if (skip) return t.skip('needs docker-registry, skopeo and a built dist/berth');
  const da = join(env.root, '..', 'skopeo-docker.tar');
  const oa = join(env.root, '..', 'skopeo-oci.tar');
  await run('skopeo', ['--insecure-policy', 'copy', '-q', '--src-tls-verify=false', `docker://${reg!.host}/arch/app:v1`, `docker-archive:${da}:sk/app:1`]);
  await run('skopeo', ['--insecure-policy', 'copy', '-q', '--src-tls-verify=false', `docker://${reg!.host}/arch/app:v1`, `oci-archive:${oa}:sk/oci:2`]);
  const e2 = berthEnv();
  try {
    assert.equal((await berth(e2, 0, ['load', '-i', da])).stdout, 'Loaded image: sk/app:1\n');
    assert.equal((await berth(e2, 0, ['load', '-i', oa])).stdout, 'Loaded image: sk/oci:2\n');
    const ids = (await berth(e2, 0, ['images', '--no-trunc', '--format', '{{.Repository}}:{{.Tag}} {{.ID}}'])).stdout.trim().split('\n').sort();
    assert.deepEqual(ids, [`sk/app:1 ${configDigest}`, `sk/oci:2 ${configDigest}`]);
  } finally {
    e2.cleanup();
  }
});

test('import: a tarball from stdin with --change and --message', async (t) => {
  if (skip) return t.skip('needs docker-registry, skopeo and a built dist/berth');
  const tar = layerTar({ 'hello.txt': 'hello', 'bin/run': { content: '#!/bin/sh\n', mode: 0o755 } });
  const r = await berth(env, 0, ['import', '-c', 'CMD ["/bin/run"]', '-c', 'ENV A=1', '-m', 'made here', '-', 'imported:v1'], { input: tar });
  assert.match(r.stdout, /^sha256:[0-9a-f]{64}\n$/);
  const i = JSON.parse((await berth(env, 0, ['image', 'inspect', 'imported:v1'])).stdout)[0];
  assert.deepEqual(i.Config.Cmd, ['/bin/run']);
  assert.deepEqual(i.Config.Env, ['A=1']);
  assert.equal(i.Id, r.stdout.trim());
  const h = await berth(env, 0, ['history', '--format', '{{.Comment}}', 'imported:v1']);
  assert.equal(h.stdout, 'made here\n');
  const file = join(env.root, '..', 'imp.tar');
  writeFileSync(file, tar);
  await berth(env, 0, ['import', file]);
  const bad = await berth(env, 125, ['import', '-c', 'RUN x', file]);
  assert.match(bad.stderr, /--change "RUN" is not supported/);
});

test('load refuses a broken archive and stores nothing', async (t) => {
  if (skip) return t.skip('needs docker-registry, skopeo and a built dist/berth');
  const e2 = berthEnv();
  try {
    const r = await berth(e2, 1, ['load'], { input: layerTar({ 'x.txt': 'not an image archive' }) });
    assert.match(r.stderr, /^Error: the archive has neither manifest\.json/);
    assert.equal((await berth(e2, 0, ['images', '-q'])).stdout, '');
  } finally {
    e2.cleanup();
  }
});

test('save of two images sharing layers writes each layer once; load restores both', async (t) => {
  if (skip) return t.skip('needs docker-registry, skopeo and a built dist/berth');
  await berth(env, 0, ['import', '-', 'share/base:1'], { input: layerTar({ 'base.txt': 'base' }) });
  await berth(env, 0, ['tag', 'share/base:1', 'share/alias:2']);
  const file = join(env.root, '..', 'two.tar');
  await berth(env, 0, ['save', '-o', file, 'share/base:1', 'share/alias:2', `${reg!.host}/arch/app:v1`]);
  const { stdout } = await run('tar', ['-tf', file]);
  const blobsListed = stdout.split('\n').filter((l) => /^blobs\/sha256\/[0-9a-f]{64}$/.test(l));
  assert.equal(new Set(blobsListed).size, blobsListed.length, 'no blob written twice');
  const e2 = berthEnv();
  try {
    const r = await berth(e2, 0, ['load', '-i', file]);
    assert.deepEqual(r.stdout.trim().split('\n').sort(), [`Loaded image: ${reg!.host}/arch/app:v1`, 'Loaded image: share/alias:2', 'Loaded image: share/base:1']);
    const tags = (await berth(e2, 0, ['images', '--format', '{{.Repository}}:{{.Tag}}'])).stdout.trim().split('\n').sort();
    assert.deepEqual(tags, [`${reg!.host}/arch/app:v1`, 'share/alias:2', 'share/base:1']);
  } finally {
    e2.cleanup();
  }
});
