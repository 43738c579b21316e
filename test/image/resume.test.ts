// Interrupted pulls: a pull killed midway (SIGKILL), one stopped with Ctrl-C (SIGINT), and one
// whose connection drops, all resume from the partial download with a Range request, and the
// store stays consistent throughout. A TCP proxy slows or cuts the registry's responses.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { startRegistry, REGISTRY_BIN, type TestRegistry } from '../helpers/registry.ts';
import { pushImage } from '../helpers/oci-image.ts';
import { startProxy } from '../helpers/tcp-proxy.ts';
import { BERTH, berth, berthBuilt, berthEnv, checkStoreConsistent } from '../helpers/berth-cli.ts';

let reg: TestRegistry | undefined;
let layerHex = '';
const skip = !existsSync(REGISTRY_BIN) || !existsSync('/usr/bin/skopeo') || !berthBuilt();
const SIZE = 3 << 20;

before(async () => {
  if (skip) return;
  reg = await startRegistry();
  await pushImage(reg.host, 'big/app:v1', [{ layers: [{ files: { 'small.txt': 'x' } }, { files: { 'random.bin': randomBytes(SIZE) } }] }]);
  // the registry's digest of the big layer (skopeo may have recompressed it)
  const res = await fetch(`${reg.url}/v2/big/app/manifests/v1`, { headers: { accept: 'application/vnd.oci.image.manifest.v1+json' } });
  const m = (await res.json()) as { layers: { digest: string }[] };
  layerHex = m.layers[1]!.digest.slice(7);
});
after(async () => {
  await reg?.stop();
});

function partialSize(root: string): number {
  const dir = join(root, 'image', 'content', 'ingest');
  if (!existsSync(dir)) return 0;
  const f = readdirSync(dir).find((n) => n === layerHex);
  return f ? statSync(join(dir, f)).size : 0;
}

async function interrupt(signal: NodeJS.Signals): Promise<void> {
  const [host, port] = reg!.host.split(':');
  const proxy = await startProxy({ target: { host: host!, port: Number(port) }, rate: 1 << 20 });
  const e = berthEnv();
  try {
    const p = spawn(BERTH, ['pull', `${proxy.host}/big/app:v1`], { env: e.env, stdio: 'ignore' });
    const exited = new Promise<number | null>((r) => p.on('exit', (code, sig) => r(code ?? (sig ? -1 : null))));
    const deadline = Date.now() + 20_000;
    while (partialSize(e.root) < 256 << 10 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    assert.ok(partialSize(e.root) > 0, 'the pull wrote a partial file');
    p.kill(signal);
    const code = await exited;
    if (signal === 'SIGINT') assert.equal(code, 130);
    const kept = partialSize(e.root);
    assert.ok(kept > 0 && kept < SIZE, `a partial download of ${kept} bytes is kept`);
    // nothing half-made is visible: no image, no incomplete layer once repaired, only the partial
    assert.equal((await berth(e, 0, ['images', '-q'])).stdout, '');
    proxy.options.rate = 0;
    await berth(e, 0, ['pull', '-q', `${proxy.host}/big/app:v1`]);
    const ranged = proxy.requests.filter((r) => r.includes(`/blobs/sha256:${layerHex}`) && /range=bytes=(\d+)-/.test(r));
    assert.equal(ranged.length, 1, `one Range request resumed the blob: ${proxy.requests.join('\n')}`);
    const from = Number(/range=bytes=(\d+)-/.exec(ranged[0]!)![1]);
    assert.ok(from > 0 && from <= kept, `resumed from ${from}, kept ${kept}`);
    assert.deepEqual(checkStoreConsistent(e.root), []);
    const inspect = JSON.parse((await berth(e, 0, ['image', 'inspect', `${proxy.host}/big/app:v1`])).stdout);
    assert.equal(inspect[0].RootFS.Layers.length, 2);
  } finally {
    await proxy.close();
    e.cleanup();
  }
}

test('a pull killed midway (SIGKILL) resumes with a Range request', async (t) => {
  if (skip) return t.skip('needs docker-registry, skopeo and a built dist/berth');
  await interrupt('SIGKILL');
});

test('Ctrl-C keeps the partial download and exits 130; the next pull resumes', async (t) => {
  if (skip) return t.skip('needs docker-registry, skopeo and a built dist/berth');
  await interrupt('SIGINT');
});

test('a registry that ignores Range: the resumed pull skips the bytes it already has', async (t) => {
  if (skip) return t.skip('needs docker-registry, skopeo and a built dist/berth');
  const [host, port] = reg!.host.split(':');
  const slow = await startProxy({ target: { host: host!, port: Number(port) }, rate: 1 << 20 });
  const e = berthEnv();
  try {
    const p = spawn(BERTH, ['pull', `${slow.host}/big/app:v1`], { env: e.env, stdio: 'ignore' });
    const exited = new Promise((r) => p.on('exit', r));
    const deadline = Date.now() + 20_000;
    while (partialSize(e.root) < 256 << 10 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    p.kill('SIGKILL');
    await exited;
    assert.ok(partialSize(e.root) > 0);
    const { startFlakyProxy } = await import('../helpers/flaky-http-proxy.ts');
    const noRange = await startFlakyProxy(reg!.host, [], { dropRange: true });
    try {
      await berth(e, 0, ['pull', '-q', `${noRange.host}/big/app:v1`]);
      assert.ok(noRange.log.some((l) => l.line.includes(`/blobs/sha256:${layerHex}`) && l.status === 200));
      assert.deepEqual(checkStoreConsistent(e.root), []);
      assert.equal(JSON.parse((await berth(e, 0, ['image', 'inspect', `${noRange.host}/big/app:v1`])).stdout)[0].RootFS.Layers.length, 2);
    } finally {
      await noRange.close();
    }
  } finally {
    await slow.close();
    e.cleanup();
  }
});

test('a dropped connection is retried from where it stopped, in the same pull', async (t) => {
  if (skip) return t.skip('needs docker-registry, skopeo and a built dist/berth');
  const [host, port] = reg!.host.split(':');
  const proxy = await startProxy({ target: { host: host!, port: Number(port) }, cutAfter: SIZE / 2 });
  const e = berthEnv();
  try {
    const r = await berth(e, 0, ['pull', `${proxy.host}/big/app:v1`]);
    assert.match(r.stdout, /Retrying/);
    assert.ok(proxy.requests.some((q) => q.includes(`/blobs/sha256:${layerHex}`) && /range=bytes=[1-9]\d*-/.test(q)), proxy.requests.join('\n'));
    assert.deepEqual(checkStoreConsistent(e.root), []);
  } finally {
    await proxy.close();
    e.cleanup();
  }
});
