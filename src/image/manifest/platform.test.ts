import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parsePlatform, selectPlatform } from './platform.ts';
import type { ImageIndex } from '../../oci/image-spec.ts';

const d = (n: number, platform: object) => ({ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: `sha256:${String(n).repeat(64)}`, size: 1, platform }) as ImageIndex['manifests'][number];
const index: ImageIndex = {
  schemaVersion: 2,
  manifests: [
    d(1, { os: 'linux', architecture: 'amd64' }),
    d(2, { os: 'linux', architecture: 'arm', variant: 'v6' }),
    d(3, { os: 'linux', architecture: 'arm', variant: 'v7' }),
    d(4, { os: 'linux', architecture: 'arm64' }),
    d(5, { os: 'windows', architecture: 'amd64' }),
  ],
};

test('parses --platform', () => {
  assert.deepEqual(parsePlatform('linux/amd64'), { os: 'linux', architecture: 'amd64' });
  assert.deepEqual(parsePlatform('linux/arm64'), { os: 'linux', architecture: 'arm64', variant: 'v8' });
  assert.deepEqual(parsePlatform('Linux/ARM/v7'), { os: 'linux', architecture: 'arm', variant: 'v7' });
  assert.throws(() => parsePlatform('linux'), /expected os\/arch/);
  assert.throws(() => parsePlatform('linux/arm/'), /expected os\/arch/);
});

test('selects the platform', () => {
  assert.equal(selectPlatform(index, parsePlatform('linux/amd64'), 'x').digest[7], '1');
  assert.equal(selectPlatform(index, parsePlatform('linux/arm64'), 'x').digest[7], '4');
  assert.equal(selectPlatform(index, parsePlatform('linux/arm/v7'), 'x').digest[7], '3');
  assert.equal(selectPlatform(index, parsePlatform('linux/arm/v6'), 'x').digest[7], '2');
  assert.equal(selectPlatform(index, parsePlatform('windows/amd64'), 'x').digest[7], '5');
  assert.throws(() => selectPlatform(index, parsePlatform('linux/s390x'), 'busybox'), /no image for platform linux\/s390x in the manifest list of busybox \(it has linux\/amd64, linux\/arm\/v6/);
});
