// Retries: a 429 with Retry-After is waited out as asked, a 503 on a blob is retried with
// backoff, and a registry that keeps failing gives up with its own error, exit 1. Also answers
// the registry itself cannot be made to give: a schema 1 manifest.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { startRegistry, REGISTRY_BIN, type TestRegistry } from '../helpers/registry.ts';
import { pushImage } from '../helpers/oci-image.ts';
import { startFlakyProxy } from '../helpers/flaky-http-proxy.ts';
import { berth, berthBuilt, berthEnv } from '../helpers/berth-cli.ts';

let reg: TestRegistry | undefined;
const skip = !existsSync(REGISTRY_BIN) || !existsSync('/usr/bin/skopeo') || !berthBuilt();

before(async () => {
  if (skip) return;
  reg = await startRegistry();
  await pushImage(reg.host, 'retry/app:v1', [{ layers: [{ files: { a: 'a' } }] }]);
});
after(async () => {
  await reg?.stop();
});

test('429 with Retry-After is honoured; 503 on a blob is retried', async (t) => {
  if (skip) return t.skip('needs docker-registry, skopeo and a built dist/berth');
  const proxy = await startFlakyProxy(reg!.host, [
    { match: /^GET \/v2\/retry\/app\/manifests\/v1/, status: 429, times: 1, headers: { 'retry-after': '1' } },
    { match: /^GET \/v2\/retry\/app\/blobs\/sha256:/, status: 503, times: 2 },
  ]);
  const e = berthEnv();
  try {
    await berth(e, 0, ['pull', '-q', `${proxy.host}/retry/app:v1`]);
    const manifests = proxy.log.filter((l) => l.line.includes('/manifests/v1'));
    assert.equal(manifests[0]!.status, 429);
    assert.equal(manifests[1]!.status, 200);
    assert.ok(manifests[1]!.at - manifests[0]!.at >= 950, `waited ${manifests[1]!.at - manifests[0]!.at} ms for Retry-After: 1`);
    assert.equal(proxy.log.filter((l) => l.status === 503).length, 2);
  } finally {
    e.cleanup();
    await proxy.close();
  }
});

test('a registry that keeps failing: the error after the last retry, exit 1', async (t) => {
  if (skip) return t.skip('needs docker-registry, skopeo and a built dist/berth');
  const proxy = await startFlakyProxy(reg!.host, [{ match: /manifests/, status: 503, times: 100 }]);
  const e = berthEnv();
  try {
    const r = await berth(e, 1, ['pull', `${proxy.host}/retry/app:v1`], { env: { BERTH_REGISTRY_RETRIES: '2' } });
    assert.match(r.stderr, /^Error: fetching the manifest of .*retry\/app:v1: .* answered 503 UNAVAILABLE: try again$/m);
    assert.equal(proxy.log.filter((l) => l.line.includes('/manifests/')).length, 3);
  } finally {
    e.cleanup();
    await proxy.close();
  }
});

test('a Docker schema 1 manifest is refused with a clear message', async (t) => {
  if (skip) return t.skip('needs docker-registry, skopeo and a built dist/berth');
  const schema1 = JSON.stringify({ schemaVersion: 1, name: 'old/app', tag: 'v1', architecture: 'amd64', fsLayers: [], history: [], signatures: [] });
  const proxy = await startFlakyProxy(reg!.host, [
    { match: /^GET \/v2\/old\/app\/manifests\/v1/, status: 200, times: 1, headers: { 'content-type': 'application/vnd.docker.distribution.manifest.v1+prettyjws' }, body: schema1 },
  ]);
  const e = berthEnv();
  try {
    const r = await berth(e, 1, ['pull', `${proxy.host}/old/app:v1`]);
    assert.match(r.stderr, /^Error: .*old\/app:v1 uses Docker image manifest schema 1, which berth does not support: push the image again with a current client/m);
  } finally {
    e.cleanup();
    await proxy.close();
  }
});

test('blob downloads follow redirects to another host (as registries send them to storage)', async (t) => {
  if (skip) return t.skip('needs docker-registry, skopeo and a built dist/berth');
  const res = await fetch(`${reg!.url}/v2/retry/app/manifests/v1`, { headers: { accept: 'application/vnd.oci.image.manifest.v1+json' } });
  const layer = ((await res.json()) as { layers: { digest: string }[] }).layers[0]!.digest;
  // "storage": the registry itself under another name (localhost instead of 127.0.0.1)
  const storage = `http://localhost:${reg!.host.split(':')[1]}/v2/retry/app/blobs/${layer}`;
  const proxy = await startFlakyProxy(reg!.host, [{ match: new RegExp(`^GET /v2/retry/app/blobs/${layer}`), status: 307, times: 1, headers: { location: storage } }]);
  const e = berthEnv();
  try {
    await berth(e, 0, ['pull', '-q', `${proxy.host}/retry/app:v1`]);
    assert.ok(proxy.log.some((l) => l.status === 307));
  } finally {
    e.cleanup();
    await proxy.close();
  }
});
