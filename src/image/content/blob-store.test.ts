import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BlobStore } from './blob-store.ts';
import { DigestMismatchError } from './digest-mismatch-error.ts';
import { sha256Digest } from '../../oci/digest.ts';

function tmp(t: import('node:test').TestContext): string {
  const d = mkdtempSync(join(tmpdir(), 'berth-blobs-'));
  t.after(() => rmSync(d, { recursive: true, force: true }));
  return d;
}

test('an interrupted ingest keeps its prefix and resumes from it', async (t) => {
  const s = new BlobStore(tmp(t));
  const data = Buffer.from('0123456789'.repeat(1000));
  const d = sha256Digest(data);
  const a = s.ingest(d);
  a.append(data.subarray(0, 4000));
  a.suspend();
  const b = s.ingest(d);
  assert.equal(b.offset, 4000);
  for await (const c of b.readPartial()!) b.hashExisting(c as Buffer);
  await b.appendAsync(data.subarray(4000));
  assert.equal(await b.commitAsync(), d);
  assert.deepEqual(s.read(d), data);
  assert.deepEqual(s.listIngests(), []);
});

test('wrong bytes are refused, not stored, and the partial file goes', (t) => {
  const s = new BlobStore(tmp(t));
  const d = sha256Digest('right');
  const i = s.ingest(d);
  i.append(Buffer.from('wrong'));
  assert.throws(() => i.commit(), (e: unknown) => e instanceof DigestMismatchError && /failed verification/.test(e.message));
  assert.equal(s.has(d), false);
  assert.deepEqual(s.listIngests(), []);
  assert.throws(() => s.putVerified(d, Buffer.from('wrong')), DigestMismatchError);
});

test('a second live writer of the same blob gets a private file', (t) => {
  const s = new BlobStore(tmp(t));
  const d = sha256Digest('x');
  const a = s.ingest(d);
  const b = s.ingest(d);
  assert.equal(a.resumable, true);
  assert.equal(b.resumable, false);
  b.append(Buffer.from('x'));
  assert.equal(b.commit(), d);
  a.discard();
  assert.equal(s.has(d), true);
});

test('temp files of dead processes are removed, partial downloads kept', (t) => {
  const dir = tmp(t);
  const s = new BlobStore(dir);
  const keep = s.ingest(sha256Digest('keep'));
  keep.append(Buffer.from('ke'));
  keep.suspend();
  writeFileSync(join(dir, 'ingest', '.tmp-999999999-abc'), 'x');
  mkdirSync(join(dir, 'ingest', '.load-999999999-1'));
  s.removeStaleTemps();
  assert.deepEqual(readdirSync(join(dir, 'ingest')).filter((n) => !n.endsWith('.lock')), [sha256Digest('keep').slice(7)]);
  assert.equal(existsSync(join(dir, 'ingest', '.tmp-999999999-abc')), false);
});
