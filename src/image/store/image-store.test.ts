import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ImageStore } from './image-store.ts';
import { commitImage } from './commit-image.ts';
import type { Digest } from '../../oci/digest.ts';

const id = (c: string) => `sha256:${c.repeat(64)}` as Digest;

test('finds images as docker does: full id, reference with latest implied, id prefix', (t) => {
  const root = mkdtempSync(join(tmpdir(), 'berth-images-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const s = new ImageStore({ root });
  const base = { manifest: id('e'), manifestMediaType: 'x', layers: [], created: '2024-01-01T00:00:00Z' };
  commitImage(s, { ...base, id: id('a'), tag: 'docker.io/library/busybox:latest', repoDigest: `docker.io/library/busybox@${id('d')}` });
  commitImage(s, { ...base, id: id('b'), tag: 'docker.io/library/abc:latest' });
  commitImage(s, { ...base, id: `sha256:ab${'c'.repeat(62)}` as Digest });
  assert.equal(s.find('busybox')?.id, id('a'));
  assert.equal(s.find('docker.io/library/busybox:latest')?.id, id('a'));
  assert.equal(s.find(`busybox@${id('d')}`)?.id, id('a'));
  assert.equal(s.find(id('b'))?.id, id('b'));
  assert.equal(s.find('b'.repeat(12))?.id, id('b'));
  // a name wins over an id prefix, as in docker
  assert.equal(s.find('abc')?.id, id('b'));
  assert.throws(() => s.find('a'), /ambiguous/);
  assert.equal(s.find('busybox:other'), undefined);
  assert.throws(() => s.resolve('nothere'), /no such image: nothere/);
  // a tag moves to the newer image
  commitImage(s, { ...base, id: id('f'), tag: 'docker.io/library/busybox:latest' });
  assert.equal(s.find('busybox')?.id, id('f'));
  assert.deepEqual(s.repoTags(id('a')), []);
});

test('leases of live processes are kept, dead ones dropped', (t) => {
  const root = mkdtempSync(join(tmpdir(), 'berth-leases-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const s = new ImageStore({ root });
  const release = s.lease([id('1')]);
  s.lease([id('2')]);
  assert.deepEqual([...s.leasedDigests()].sort(), [id('1'), id('2')]);
  release();
  assert.deepEqual([...s.leasedDigests()], []);
});
