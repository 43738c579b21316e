import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getCredentials, removeCredentials, storeCredentials } from './credentials.ts';

test('reads, stores and removes docker config.json credentials', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-creds-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ auths: { 'https://index.docker.io/v1/': { auth: Buffer.from('hub:pw:x').toString('base64') }, 'http://127.0.0.1:5000/v2/': { auth: Buffer.from('u:p').toString('base64') } }, psFormat: 'x' }));
  assert.deepEqual(getCredentials('docker.io', dir), { username: 'hub', password: 'pw:x' });
  assert.deepEqual(getCredentials('127.0.0.1:5000', dir), { username: 'u', password: 'p' });
  assert.equal(getCredentials('quay.io', dir), undefined);
  storeCredentials('quay.io', { username: 'a', password: 'b' }, dir);
  assert.deepEqual(getCredentials('quay.io', dir), { username: 'a', password: 'b' });
  const cfg = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
  assert.equal(cfg.psFormat, 'x');
  assert.equal(statSync(join(dir, 'config.json')).mode & 0o777, 0o600);
  assert.equal(removeCredentials('127.0.0.1:5000', dir), true);
  assert.equal(getCredentials('127.0.0.1:5000', dir), undefined);
  assert.equal(removeCredentials('127.0.0.1:5000', dir), false);
});
