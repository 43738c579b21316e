// berth pull against a real registry (Debian's docker-registry on 127.0.0.1), with images pushed
// by skopeo: anonymous, basic and bearer-token auth, OCI and Docker schema 2, gzip, zstd and
// uncompressed layers, a manifest list with two platforms, whiteouts checked in the mounted
// rootfs, a tampered blob refused, docker's output and exit codes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRegistry, REGISTRY_BIN, type TestRegistry } from '../helpers/registry.ts';
import { pushImage } from '../helpers/oci-image.ts';
import { berth, berthBuilt, berthEnv, checkStoreConsistent, type BerthEnv } from '../helpers/berth-cli.ts';
import { requires } from '../helpers/requires.ts';

let reg: TestRegistry | undefined;
let env: BerthEnv;
const skip = !existsSync(REGISTRY_BIN) || !existsSync('/usr/bin/skopeo') || !berthBuilt();

before(async () => {
  if (skip) return;
  reg = await startRegistry();
  env = berthEnv();
});
after(async () => {
  await reg?.stop();
  env?.cleanup();
});

function need(t: import('node:test').TestContext): boolean {
  if (skip) {
    t.skip('needs docker-registry, skopeo and a built dist/berth');
    return true;
  }
  return false;
}

test('pulls a multi-layer image: gzip, zstd and uncompressed layers, docker output', async (t) => {
  if (need(t)) return;
  await pushImage(reg!.host, 'multi/layers:v1', [{
    layers: [
      { files: { 'etc/os-release': 'ID=test\n', 'bin/tool': { content: '#!/bin/sh\necho hi\n', mode: 0o755 } }, compression: 'gzip' },
      { files: { 'data/a.txt': 'a'.repeat(100_000) }, compression: 'zstd' },
      { files: { 'data/b.txt': 'b' }, compression: 'none' },
    ],
  }]);
  const r = await berth(env, 0, ['pull', `${reg!.host}/multi/layers:v1`]);
  const lines = r.stdout.trim().split('\n');
  assert.equal(lines[0], 'v1: Pulling from multi/layers');
  assert.match(r.stdout, /^[0-9a-f]{12}: Pull complete$/m);
  assert.match(r.stdout, /^Digest: sha256:[0-9a-f]{64}$/m);
  assert.match(r.stdout, new RegExp(`^Status: Downloaded newer image for ${reg!.host}/multi/layers:v1$`, 'm'));
  assert.equal(lines[lines.length - 1], `${reg!.host}/multi/layers:v1`);
  assert.doesNotMatch(r.stdout, /Downloading \[/, 'no progress bars when stdout is not a terminal');
  const again = await berth(env, 0, ['pull', `${reg!.host}/multi/layers:v1`]);
  assert.match(again.stdout, /Already exists/);
  assert.match(again.stdout, /Status: Image is up to date/);
  const q = await berth(env, 0, ['pull', '-q', `${reg!.host}/multi/layers:v1`]);
  assert.equal(q.stdout, `${reg!.host}/multi/layers:v1\n`);
  assert.deepEqual(checkStoreConsistent(env.root), []);
});

test('Docker schema 2 images and default tag', async (t) => {
  if (need(t)) return;
  await pushImage(reg!.host, 'docker/schema2:latest', [{ docker: true, layers: [{ files: { 'x': 'y' } }] }]);
  const r = await berth(env, 0, ['pull', `${reg!.host}/docker/schema2`]);
  assert.match(r.stdout, /^Using default tag: latest\nlatest: Pulling from docker\/schema2/);
  const inspect = JSON.parse((await berth(env, 0, ['image', 'inspect', `${reg!.host}/docker/schema2`])).stdout);
  assert.equal(inspect[0].Descriptor.mediaType, 'application/vnd.docker.distribution.manifest.v2+json');
  assert.deepEqual(inspect[0].RepoTags, [`${reg!.host}/docker/schema2:latest`]);
});

test('manifest list: --platform picks the image, the host platform by default', async (t) => {
  if (need(t)) return;
  const { images, indexDigest } = await pushImage(reg!.host, 'plat/app:v1', [
    { layers: [{ files: { arch: 'amd64' } }], platform: { os: 'linux', architecture: 'amd64' } },
    { layers: [{ files: { arch: 'arm64' } }], platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } },
  ]);
  const r = await berth(env, 0, ['pull', '--platform', 'linux/arm64', `${reg!.host}/plat/app:v1`]);
  assert.match(r.stdout, new RegExp(`Digest: ${indexDigest}`));
  const id = (await berth(env, 0, ['image', 'inspect', '-f', '{{.Id}} {{.Architecture}}', `${reg!.host}/plat/app:v1`])).stdout.trim();
  assert.equal(id, `${images[1]!.configDigest} arm64`);
  const digests = JSON.parse((await berth(env, 0, ['image', 'inspect', `${reg!.host}/plat/app:v1`])).stdout)[0].RepoDigests;
  assert.deepEqual(digests, [`${reg!.host}/plat/app@${indexDigest}`]);
  const bad = await berth(env, 1, ['pull', '--platform', 'linux/s390x', `${reg!.host}/plat/app:v1`]);
  assert.match(bad.stderr, /^Error: no image for platform linux\/s390x in the manifest list of .*plat\/app:v1 \(it has linux\/amd64, linux\/arm64\/v8\)$/m);
  const usage = await berth(env, 125, ['pull', '--platform', 'linux', `${reg!.host}/plat/app:v1`]);
  assert.match(usage.stderr, /invalid platform "linux"/);
});

test('whiteouts: the mounted rootfs of a multi-layer image, file by file', async (t) => {
  if (need(t) || requires(t, { root: true })) return;
  await pushImage(reg!.host, 'wh/app:v1', [{
    layers: [
      { files: { 'keep.txt': 'keep', 'gone.txt': 'x', 'dir/old1': '1', 'dir/old2': '2', 'opq/a': 'a', 'opq/b': 'b', 'ln': { symlink: 'keep.txt' } } },
      { files: { '.wh.gone.txt': '', 'dir/.wh.old1': '', 'dir/new': 'n', 'opq/.wh..wh..opq': '', 'opq/c': 'c', 'keep.txt': 'changed' } },
      { files: { 'gone.txt': 'back' } },
    ],
  }]);
  await berth(env, 0, ['pull', `${reg!.host}/wh/app:v1`]);
  const { openLayerStore, mountRootfs, unmountRootfs } = await import('../../src/storage/index.ts');
  const store = openLayerStore(join(env.root, 'storage'));
  const chains: string[] = JSON.parse((await berth(env, 0, ['image', 'inspect', `${reg!.host}/wh/app:v1`])).stdout)[0].RootFS.Layers;
  const rec = JSON.parse(readFileSync(join(env.root, 'image', 'images', `${JSON.parse((await berth(env, 0, ['image', 'inspect', `${reg!.host}/wh/app:v1`])).stdout)[0].Id.slice(7)}.json`), 'utf8'));
  assert.equal(chains.length, 3);
  const rw = mkdtempSync(join(tmpdir(), 'berth-rw-'));
  const { rootfs } = await mountRootfs({ store, layers: rec.layers.map((l: { chainId: string }) => l.chainId), rwDir: rw, readonly: true });
  try {
    const list = (d: string): string[] => readdirSync(join(rootfs, d)).sort();
    assert.deepEqual(list('.'), ['dir', 'gone.txt', 'keep.txt', 'ln', 'opq']);
    assert.equal(readFileSync(join(rootfs, 'keep.txt'), 'utf8'), 'changed');
    assert.equal(readFileSync(join(rootfs, 'gone.txt'), 'utf8'), 'back');
    assert.deepEqual(list('dir'), ['new', 'old2']);
    assert.deepEqual(list('opq'), ['c']);
    assert.equal(readFileSync(join(rootfs, 'ln'), 'utf8'), 'changed');
  } finally {
    await unmountRootfs(rw);
    rmSync(rw, { recursive: true, force: true });
  }
});

test('a blob whose digest does not match is refused and not stored', async (t) => {
  if (need(t)) return;
  const { images } = await pushImage(reg!.host, 'bad/blob:v1', [{ layers: [{ files: { 'a': 'original content' } }] }]);
  const layer = images[0]!.layerDigests[0]!.slice(7);
  // corrupt the blob inside the registry's storage: same length, other bytes
  const data = join(reg!.dir, 'data', 'docker', 'registry', 'v2', 'blobs', 'sha256', layer.slice(0, 2), layer, 'data');
  const bytes = readFileSync(data);
  bytes[bytes.length - 5] = bytes[bytes.length - 5]! ^ 0xff;
  writeFileSync(data, bytes);
  const e = berthEnv();
  try {
    const r = await berth(e, 1, ['pull', `${reg!.host}/bad/blob:v1`]);
    assert.match(r.stderr, new RegExp(`^Error: pulling layer sha256:${layer}: .*(blob sha256:${layer} failed verification|content digest)`, 'm'));
    assert.equal(existsSync(join(e.root, 'image', 'content', 'blobs', 'sha256', layer)), false);
    assert.deepEqual(readdirSync(join(e.root, 'image', 'images')), []);
    assert.deepEqual(readdirSync(join(e.root, 'storage', 'layers')).filter((n) => !n.startsWith('.')), []);
    assert.deepEqual(checkStoreConsistent(e.root), []);
    await berth(e, 0, ['images', '-q']).then((x) => assert.equal(x.stdout, ''));
  } finally {
    e.cleanup();
  }
});

test('errors: unknown image, bad reference, unknown flag, unreachable registry', async (t) => {
  if (need(t)) return;
  const nf = await berth(env, 1, ['pull', `${reg!.host}/no/such:v1`]);
  assert.match(nf.stderr, /^Error: fetching the manifest of .*no\/such:v1: (repository no\/such not found|not found)/m);
  const bad = await berth(env, 1, ['pull', 'Busybox']);
  assert.equal(bad.stderr, 'Error: invalid reference format "Busybox": repository name "library/Busybox" must be lowercase\n');
  const flag = await berth(env, 125, ['pull', '--bogus', 'x']);
  assert.equal(flag.stderr, "unknown flag: --bogus\nSee 'berth image pull --help'.\n".replace('image pull', 'pull'));
  const args = await berth(env, 1, ['pull']);
  assert.match(args.stderr, /"berth pull" .*argument/);
  const unreachable = await berth(env, 1, ['pull', '127.0.0.1:1/x/y:z'], { env: { BERTH_REGISTRY_RETRIES: '0' } });
  assert.match(unreachable.stderr, /^Error: cannot reach registry 127\.0\.0\.1:1: .*ECONNREFUSED/m);
});

test('basic auth: refused without credentials, pulls after berth login, logout', async (t) => {
  if (need(t)) return;
  const basic = await startRegistry({ auth: 'basic', users: { alice: 'wonderland' } });
  const e = berthEnv();
  try {
    await pushImage(basic.host, 'private/app:v1', [{ layers: [{ files: { secret: 's' } }] }], { creds: 'alice:wonderland' });
    const denied = await berth(e, 1, ['pull', `${basic.host}/private/app:v1`]);
    assert.match(denied.stderr, new RegExp(`authentication required: run berth login ${basic.host.replace(/\./g, '\\.')}`));
    const wrong = await berth(e, 1, ['login', '-u', 'alice', '--password-stdin', basic.host], { input: 'nope\n' });
    assert.match(wrong.stderr, /the credentials for .* were refused/);
    const ok = await berth(e, 0, ['login', '-u', 'alice', '--password-stdin', basic.host], { input: 'wonderland\n' });
    assert.equal(ok.stdout, 'Login Succeeded\n');
    const cfg = JSON.parse(readFileSync(join(e.config, 'config.json'), 'utf8'));
    assert.equal(cfg.auths[basic.host].auth, Buffer.from('alice:wonderland').toString('base64'));
    await berth(e, 0, ['pull', '-q', `${basic.host}/private/app:v1`]);
    const out = await berth(e, 0, ['logout', basic.host]);
    assert.equal(out.stdout, `Removing login credentials for ${basic.host}\n`);
    assert.equal((await berth(e, 0, ['logout', basic.host])).stdout, `Not logged in to ${basic.host}\n`);
  } finally {
    e.cleanup();
    await basic.stop();
  }
});

test('bearer token auth: anonymous pull, credentials for push scope', async (t) => {
  if (need(t)) return;
  const tok = await startRegistry({ auth: 'token', users: { bob: 'builder' } });
  const e = berthEnv();
  try {
    await pushImage(tok.host, 'public/app:v1', [{ layers: [{ files: { p: 'p' } }] }], { creds: 'bob:builder' });
    // the fixture grants anonymous pull
    await berth(e, 0, ['pull', '-q', `${tok.host}/public/app:v1`]);
    assert.ok(tok.tokenRequests.some((r) => r.user === undefined && r.scopes.includes('repository:public/app:pull')));
    await berth(e, 0, ['tag', `${tok.host}/public/app:v1`, `${tok.host}/public/copy:v1`]);
    const denied = await berth(e, 1, ['push', `${tok.host}/public/copy:v1`]);
    assert.match(denied.stderr, /^Error: .*(authentication required|access denied)/m);
    await berth(e, 0, ['login', '-u', 'bob', '-p', 'builder', tok.host]);
    const pushed = await berth(e, 0, ['push', `${tok.host}/public/copy:v1`]);
    assert.match(pushed.stdout, /Mounted from public\/app|Pushed|Layer already exists/);
    assert.ok(tok.tokenRequests.some((r) => r.user === 'bob' && r.scopes.includes('repository:public/copy:pull,push')));
    const bad = await berth(e, 1, ['login', '-u', 'bob', '-p', 'wrong', tok.host]);
    assert.match(bad.stderr, /authentication to .* failed: the token server refused the credentials \(wrong username or password\)/);
  } finally {
    e.cleanup();
    await tok.stop();
  }
});

test('two pulls of one image at the same time both succeed and leave one consistent copy', async (t) => {
  if (need(t)) return;
  await pushImage(reg!.host, 'race/app:v1', [{ layers: [{ files: { 'a.bin': Buffer.alloc(2_000_000, 1) } }, { files: { 'b.bin': Buffer.alloc(1_000_000, 2) } }] }]);
  const e = berthEnv();
  try {
    const [a, b] = await Promise.all([berth(e, 0, ['pull', '-q', `${reg!.host}/race/app:v1`]), berth(e, 0, ['pull', '-q', `${reg!.host}/race/app:v1`])]);
    assert.equal(a.stdout, b.stdout);
    assert.equal((await berth(e, 0, ['images', '-q'])).stdout.trim().split('\n').length, 1);
    assert.deepEqual(checkStoreConsistent(e.root), []);
    const layers = readdirSync(join(e.root, 'storage', 'layers')).filter((n) => /^[0-9a-f]{64}$/.test(n));
    assert.equal(layers.length, 2);
  } finally {
    e.cleanup();
  }
});

test('docker.io pulls go through registry mirrors in order; a dead mirror is skipped', async (t) => {
  if (need(t)) return;
  await pushImage(reg!.host, 'library/mirrored:v1', [{ layers: [{ files: { m: 'from the mirror' } }] }]);
  const e = berthEnv({ BERTH_REGISTRY_MIRRORS: `http://127.0.0.1:1,http://${reg!.host}`, BERTH_REGISTRY_RETRIES: '0' });
  try {
    const r = await berth(e, 0, ['pull', 'mirrored:v1']);
    assert.match(r.stdout, /^v1: Pulling from library\/mirrored$/m);
    assert.match(r.stdout, /^Status: Downloaded newer image for mirrored:v1\ndocker\.io\/library\/mirrored:v1\n$/m);
    assert.equal((await berth(e, 0, ['images', '--format', '{{.Repository}}:{{.Tag}}'])).stdout, 'mirrored:v1\n');
    const bad = await berth(e, 1, ['pull', 'mirrored:v1'], { env: { BERTH_REGISTRY_MIRRORS: 'mirror.example' } });
    assert.match(bad.stderr, /invalid mirror "mirror\.example": expected a URL/);
  } finally {
    e.cleanup();
  }
});

test('pull --all-tags pulls every tag of the repository', async (t) => {
  if (need(t)) return;
  await pushImage(reg!.host, 'tags/app:one', [{ layers: [{ files: { v: '1' } }] }]);
  await pushImage(reg!.host, 'tags/app:two', [{ layers: [{ files: { v: '2' } }] }]);
  const e = berthEnv();
  try {
    const r = await berth(e, 0, ['pull', '-a', `${reg!.host}/tags/app`]);
    assert.match(r.stdout, /^one: Pulling from tags\/app$/m);
    assert.match(r.stdout, /^two: Pulling from tags\/app$/m);
    assert.ok(r.stdout.endsWith(`Status: Downloaded newer image for ${reg!.host}/tags/app\n${reg!.host}/tags/app\n`), r.stdout);
    assert.deepEqual((await berth(e, 0, ['images', '--format', '{{.Tag}}'])).stdout.trim().split('\n').sort(), ['one', 'two']);
    const bad = await berth(e, 125, ['pull', '-a', `${reg!.host}/tags/app:one`]);
    assert.equal(bad.stderr, "Error: tag can't be used with --all-tags/-a\n");
  } finally {
    e.cleanup();
  }
});

test('identity tokens (OAuth2 refresh tokens) from config.json are exchanged at the token server', async (t) => {
  if (need(t)) return;
  const tok = await startRegistry({ auth: 'token', users: { carol: 'pw' }, refreshTokens: { 'refresh-abc': 'carol' } });
  const e = berthEnv();
  try {
    await pushImage(tok.host, 'oauth/app:v1', [{ layers: [{ files: { o: 'o' } }] }], { creds: 'carol:pw' });
    const { mkdirSync } = await import('node:fs');
    mkdirSync(e.config, { recursive: true });
    writeFileSync(join(e.config, 'config.json'), JSON.stringify({ auths: { [tok.host]: { auth: Buffer.from('carol:').toString('base64'), identitytoken: 'refresh-abc' } } }));
    await berth(e, 0, ['pull', '-q', `${tok.host}/oauth/app:v1`]);
    await berth(e, 0, ['tag', `${tok.host}/oauth/app:v1`, `${tok.host}/oauth/copy:v1`]);
    await berth(e, 0, ['push', '-q', `${tok.host}/oauth/copy:v1`]);
    assert.ok(tok.tokenRequests.some((r) => r.oauth && r.user === 'carol' && r.scopes.includes('repository:oauth/copy:pull,push')), JSON.stringify(tok.tokenRequests));
    writeFileSync(join(e.config, 'config.json'), JSON.stringify({ auths: { [tok.host]: { identitytoken: 'stale' } } }));
    const bad = await berth(e, 1, ['pull', `${tok.host}/oauth/app:v1`]);
    assert.match(bad.stderr, /the token server refused the identity token \(invalid_grant\)/);
  } finally {
    e.cleanup();
    await tok.stop();
  }
});

test('HTTP_PROXY: registry traffic goes through the proxy, loopback registries never', async (t) => {
  if (need(t)) return;
  const { startForwardProxy } = await import('../helpers/forward-proxy.ts');
  const proxy = await startForwardProxy({ 'registry.test': '127.0.0.1' });
  await pushImage(reg!.host, 'proxied/app:v1', [{ layers: [{ files: { p: 'p' } }] }]);
  const port = reg!.host.split(':')[1];
  const named = `registry.test:${port}`;
  const e = berthEnv({ HTTP_PROXY: proxy.url, HTTPS_PROXY: proxy.url, NO_PROXY: '', BERTH_INSECURE_REGISTRIES: named });
  try {
    // registry.test resolves only at the proxy: the pull works only through it
    await berth(e, 0, ['pull', '-q', `${named}/proxied/app:v1`]);
    assert.ok(proxy.seen.some((l) => l.includes(named)), proxy.seen.join('\n'));
    const before = proxy.seen.length;
    await berth(e, 0, ['pull', '-q', `${reg!.host}/proxied/app:v1`]);
    assert.equal(proxy.seen.length, before, 'a loopback registry is reached directly');
  } finally {
    e.cleanup();
    await proxy.close();
  }
});
