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

test('credential helpers: docker-credential-<name> get, store and erase', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-credhelper-'));
  const oldPath = process.env['PATH'];
  t.after(() => {
    process.env['PATH'] = oldPath;
    rmSync(dir, { recursive: true, force: true });
  });
  // a helper keeping one secret per server in files, speaking the helper protocol
  writeFileSync(join(dir, 'docker-credential-fake'), `#!/bin/sh
db=${dir}/db; mkdir -p "$db"
case "$1" in
  get) read -r server; f="$db/$(echo "$server" | tr '/:' '__')"; if [ -f "$f" ]; then cat "$f"; else echo "credentials not found in native keychain"; exit 1; fi ;;
  store) json=$(cat); server=$(echo "$json" | sed 's/.*"ServerURL":"\\([^"]*\\)".*/\\1/'); echo "$json" > "$db/$(echo "$server" | tr '/:' '__')" ;;
  erase) read -r server; rm -f "$db/$(echo "$server" | tr '/:' '__')" ;;
esac
`, { mode: 0o755 });
  process.env['PATH'] = `${dir}:${oldPath}`;
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ credsStore: 'fake' }));
  assert.equal(getCredentials('reg.example:5000', dir), undefined);
  storeCredentials('reg.example:5000', { username: 'u', password: 's3cret' }, dir);
  assert.deepEqual(getCredentials('reg.example:5000', dir), { username: 'u', password: 's3cret' });
  // the secret is in the helper, not in config.json
  assert.doesNotMatch(readFileSync(join(dir, 'config.json'), 'utf8'), /s3cret/);
  assert.equal(removeCredentials('reg.example:5000', dir), true);
  assert.equal(getCredentials('reg.example:5000', dir), undefined);
});
