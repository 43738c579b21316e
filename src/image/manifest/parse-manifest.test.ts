import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseManifest } from './parse-manifest.ts';

const desc = { mediaType: 'application/vnd.oci.image.config.v1+json', digest: `sha256:${'a'.repeat(64)}`, size: 2 };
const enc = (o: object) => Buffer.from(JSON.stringify(o));

test('classifies manifests and indexes', () => {
  assert.equal(parseManifest(enc({ schemaVersion: 2, mediaType: 'application/vnd.docker.distribution.manifest.v2+json', config: desc, layers: [desc] }), undefined, 'x').kind, 'manifest');
  assert.equal(parseManifest(enc({ schemaVersion: 2, config: desc, layers: [] }), 'application/vnd.oci.image.manifest.v1+json', 'x').kind, 'manifest');
  assert.equal(parseManifest(enc({ schemaVersion: 2, manifests: [desc] }), undefined, 'x').kind, 'index');
  assert.equal(parseManifest(enc({ schemaVersion: 2, manifests: [] }), 'application/vnd.docker.distribution.manifest.list.v2+json', 'x').mediaType, 'application/vnd.docker.distribution.manifest.list.v2+json');
});

test('refuses schema 1 with a clear message', () => {
  assert.throws(() => parseManifest(enc({ schemaVersion: 1, name: 'a', fsLayers: [] }), 'application/vnd.docker.distribution.manifest.v1+prettyjws', 'busybox:old'), /busybox:old uses Docker image manifest schema 1/);
});

test('refuses broken documents', () => {
  assert.throws(() => parseManifest(Buffer.from('{'), undefined, 'x'), /not valid JSON/);
  assert.throws(() => parseManifest(enc({ schemaVersion: 2, config: { digest: 1 }, layers: [] }), undefined, 'x'), /config is not a descriptor/);
  assert.throws(() => parseManifest(enc({ schemaVersion: 2, mediaType: 'application/vnd.foo', config: desc, layers: [] }), undefined, 'x'), /media type "application\/vnd.foo"/);
});
