// berth push to a real registry, read back by skopeo (an independent client): HEAD checks skip
// blobs the repository has, cross-repository mounts, monolithic and chunked uploads.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { existsSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { startRegistry, REGISTRY_BIN, type TestRegistry } from '../helpers/registry.ts';
import { pushImage } from '../helpers/oci-image.ts';
import { startProxy } from '../helpers/tcp-proxy.ts';
import { berth, berthBuilt, berthEnv, type BerthEnv } from '../helpers/berth-cli.ts';
import { REPO } from '../helpers/busybox-rootfs.ts';

const run = promisify(execFile);
let reg: TestRegistry | undefined;
let env: BerthEnv;
const skip = !existsSync(REGISTRY_BIN) || !existsSync('/usr/bin/skopeo') || !existsSync('/bin/busybox') || !berthBuilt();

before(async () => {
  if (skip) return;
  reg = await startRegistry();
  env = berthEnv();
  await run(`${REPO}/node_modules/.bin/node`, [`${REPO}/scripts/seed-busybox-image.ts`, '--root', env.root]);
});
after(async () => {
  await reg?.stop();
  env?.cleanup();
});

async function skopeoInspect(ref: string, raw = false): Promise<Record<string, unknown>> {
  const { stdout } = await run('skopeo', ['inspect', '--tls-verify=false', ...(raw ? ['--raw'] : []), `docker://${ref}`]);
  return JSON.parse(stdout) as Record<string, unknown>;
}

test('pushes a local image; skopeo reads it; a second push finds every layer there', async (t) => {
  if (skip) return t.skip('needs docker-registry, skopeo, busybox-static and a built dist/berth');
  await berth(env, 0, ['tag', 'busybox', `${reg!.host}/lib/busybox:1`]);
  const r = await berth(env, 0, ['push', `${reg!.host}/lib/busybox:1`]);
  assert.match(r.stdout, new RegExp(`^The push refers to repository \\[${reg!.host}/lib/busybox\\]$`, 'm'));
  assert.match(r.stdout, /^[0-9a-f]{12}: Pushed$/m);
  const m = /^1: digest: (sha256:[0-9a-f]{64}) size: (\d+)$/m.exec(r.stdout);
  assert.ok(m, r.stdout);
  const local = JSON.parse((await berth(env, 0, ['image', 'inspect', 'busybox'])).stdout)[0];
  const remote = await skopeoInspect(`${reg!.host}/lib/busybox:1`);
  assert.equal(remote['Digest'], m![1]);
  assert.deepEqual(remote['Architecture'], local.Architecture);
  const raw = await skopeoInspect(`${reg!.host}/lib/busybox:1`, true) as { config: { digest: string } };
  assert.equal(raw.config.digest, local.Id);
  // skopeo copies it out whole (every blob verified by skopeo)
  await run('skopeo', ['--insecure-policy', 'copy', '-q', '--src-tls-verify=false', `docker://${reg!.host}/lib/busybox:1`, `dir:${env.root}/../skopeo-dir`]);
  const again = await berth(env, 0, ['push', `${reg!.host}/lib/busybox:1`]);
  assert.match(again.stdout, /^[0-9a-f]{12}: Layer already exists$/m);
  assert.doesNotMatch(again.stdout, /Pushed/);
  const inspect = JSON.parse((await berth(env, 0, ['image', 'inspect', 'busybox'])).stdout)[0];
  assert.ok(inspect.RepoDigests.includes(`${reg!.host}/lib/busybox@${m![1]}`));
});

test('cross-repository mount: blobs pulled from one repository are mounted into another', async (t) => {
  if (skip) return t.skip('needs docker-registry, skopeo, busybox-static and a built dist/berth');
  await pushImage(reg!.host, 'src/app:v1', [{ layers: [{ files: { a: 'a' } }, { files: { b: 'b' } }] }]);
  await berth(env, 0, ['pull', '-q', `${reg!.host}/src/app:v1`]);
  await berth(env, 0, ['tag', `${reg!.host}/src/app:v1`, `${reg!.host}/dst/app:v1`]);
  const r = await berth(env, 0, ['push', `${reg!.host}/dst/app:v1`]);
  assert.equal((r.stdout.match(/: Mounted from src\/app$/gm) ?? []).length, 2, r.stdout);
  const remote = await skopeoInspect(`${reg!.host}/dst/app:v1`);
  assert.equal((remote['Layers'] as string[]).length, 2);
});

test('chunked upload above the chunk size (PATCH per chunk, then PUT)', async (t) => {
  if (skip) return t.skip('needs docker-registry, skopeo, busybox-static and a built dist/berth');
  const [host, port] = reg!.host.split(':');
  const proxy = await startProxy({ target: { host: host!, port: Number(port) } });
  try {
    await berth(env, 0, ['import', '-', `${proxy.host}/chunk/app:v1`], { input: await tarOf(randomBytes(300_000)) });
    const r = await berth(env, 0, ['push', `${proxy.host}/chunk/app:v1`], { env: { BERTH_PUSH_CHUNK_SIZE: String(64 << 10) } });
    assert.match(r.stdout, /Pushed/);
    const patches = proxy.requests.filter((q) => q.startsWith('PATCH '));
    assert.ok(patches.length >= 4, proxy.requests.join('\n'));
    const remote = await skopeoInspect(`${reg!.host}/chunk/app:v1`);
    assert.equal((remote['Layers'] as string[]).length, 1);
    await run('skopeo', ['--insecure-policy', 'copy', '-q', '--src-tls-verify=false', `docker://${reg!.host}/chunk/app:v1`, `dir:${env.root}/../skopeo-chunk`]);
  } finally {
    await proxy.close();
  }
});

async function tarOf(content: Buffer): Promise<Buffer> {
  const { layerTar } = await import('../helpers/oci-image.ts');
  return layerTar({ 'data.bin': content });
}

test('push --all-tags pushes every local tag of the repository', async (t) => {
  if (skip) return t.skip('needs docker-registry, skopeo, busybox-static and a built dist/berth');
  await berth(env, 0, ['tag', 'busybox', `${reg!.host}/every/bb:a`]);
  await berth(env, 0, ['tag', 'busybox', `${reg!.host}/every/bb:b`]);
  const r = await berth(env, 0, ['push', '--all-tags', `${reg!.host}/every/bb`]);
  assert.match(r.stdout, /^a: digest: sha256:[0-9a-f]{64} size: \d+$/m);
  assert.match(r.stdout, /^b: digest: sha256:[0-9a-f]{64} size: \d+$/m);
  const { stdout } = await run('skopeo', ['list-tags', '--tls-verify=false', `docker://${reg!.host}/every/bb`]);
  assert.deepEqual(JSON.parse(stdout).Tags.sort(), ['a', 'b']);
});

test('an image with many layers pushes (connections go back to the pool)', async (t) => {
  if (skip) return t.skip('needs docker-registry, skopeo, busybox-static and a built dist/berth');
  const layers = Array.from({ length: 12 }, (_, i) => ({ files: { [`f${i}`]: `layer ${i}` } }));
  await pushImage(reg!.host, 'many/layers:v1', [{ layers }]);
  await berth(env, 0, ['pull', '-q', `${reg!.host}/many/layers:v1`]);
  const other = await startRegistry();
  try {
    await berth(env, 0, ['tag', `${reg!.host}/many/layers:v1`, `${other.host}/many/layers:v1`]);
    const r = await berth(env, 0, ['push', `${other.host}/many/layers:v1`]);
    assert.equal((r.stdout.match(/: Pushed$/gm) ?? []).length, 12);
    const remote = await skopeoInspect(`${other.host}/many/layers:v1`);
    assert.equal((remote['Layers'] as string[]).length, 12);
  } finally {
    await other.stop();
  }
});
