// dist/berth's launcher (bin/launcher.cjs): the V8 code cache it keeps per command word must be
// private to the caller, be read again, survive a damaged file, stay away from a directory others
// can write, and leave no stale build's cache behind.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BERTH, berthBuilt } from '../helpers/berth-cli.ts';

const skip = berthBuilt() ? undefined : 'needs a built dist/berth (node scripts/build.ts)';

function berthWithCache(dir: string, ...args: string[]): string {
  const r = spawnSync(BERTH, args, { encoding: 'utf8', env: { ...process.env, BERTH_V8_CACHE_DIR: dir } });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

const cacheFiles = (dir: string, word: string): string[] => readdirSync(dir).filter((f) => new RegExp(`^berth-[0-9a-f]{16}-v[\\d.]+-${word}$`).test(f));

test('one private cache per command word, read again rather than rewritten', { skip }, (t) => {
  const base = mkdtempSync(join(tmpdir(), 'berth-v8-'));
  t.after(() => rmSync(base, { recursive: true, force: true }));
  const dir = join(base, 'v8');
  assert.match(berthWithCache(dir, '--version'), /^berth version /);
  assert.equal(statSync(dir).mode & 0o777, 0o700);
  const [file] = cacheFiles(dir, 'none');
  assert.ok(file, `no cache written: ${readdirSync(dir).join(', ')}`);
  assert.equal(statSync(join(dir, file)).mode & 0o777, 0o600);
  const before = statSync(join(dir, file));
  berthWithCache(dir, '--version');
  const again = statSync(join(dir, file));
  assert.equal(again.ino, before.ino, 'an accepted cache is not written again');
  assert.equal(again.mtimeMs, before.mtimeMs);

  // a damaged cache: V8 rejects it, the command still works and the file is made again
  writeFileSync(join(dir, file), Buffer.alloc(4096, 0x5a));
  assert.match(berthWithCache(dir, '--version'), /^berth version /);
  assert.notDeepEqual(readFileSync(join(dir, file)).subarray(0, 64), Buffer.alloc(64, 0x5a));

  // another build's cache of this bundle, unwritten for a day, goes when a new one is written;
  // one written lately stays (an installed berth and a checkout's, used in turn); berth-runtime's
  // stays however old
  const twoDaysAgo = new Date(Date.now() - 2 * 24 * 3600_000);
  const stale = file.replace(/^berth-[0-9a-f]{16}-/, 'berth-0123456789abcdef-');
  const live = file.replace(/^berth-[0-9a-f]{16}-/, 'berth-fedcba9876543210-');
  const other = file.replace(/^berth-[0-9a-f]{16}-/, 'berth-runtime-0123456789abcdef-');
  writeFileSync(join(dir, stale), 'old');
  writeFileSync(join(dir, live), 'a build in use');
  writeFileSync(join(dir, other), 'other bundle');
  utimesSync(join(dir, stale), twoDaysAgo, twoDaysAgo);
  utimesSync(join(dir, other), twoDaysAgo, twoDaysAgo);
  berthWithCache(dir, 'ps', '--help');
  assert.equal(cacheFiles(dir, 'ps').length, 1);
  assert.deepEqual(readdirSync(dir).filter((f) => f === stale || f === live || f === other).sort(), [live, other].sort());

  // at most 32 files of this bundle are kept, the newest: 40 older ones planted, one new made
  for (let i = 0; i < 40; i++) {
    const planted = join(dir, file.replace(/none$/, `w${i}`));
    writeFileSync(planted, 'x');
    utimesSync(planted, new Date(Date.now() - 3600_000 - i * 1000), new Date(Date.now() - 3600_000 - i * 1000));
  }
  berthWithCache(dir, 'volume', '--help');
  const kept = readdirSync(dir).filter((f) => /^berth-[0-9a-f]{16}-/.test(f));
  assert.equal(kept.length, 32);
  assert.ok(kept.includes(file.replace(/none$/, 'volume')), 'the new cache is among those kept');
  assert.ok(kept.includes(live), 'the build in use kept its newer cache');
  assert.ok(!kept.includes(file.replace(/none$/, 'w39')), 'the oldest went');
  assert.ok(readdirSync(dir).includes(other), "berth-runtime's cache is not counted or touched");

  // a failed command (here an unknown one) leaves no cache
  const r = spawnSync(BERTH, ['frobnicate'], { encoding: 'utf8', env: { ...process.env, BERTH_V8_CACHE_DIR: dir } });
  assert.equal(r.status, 1, r.stderr);
  assert.deepEqual(cacheFiles(dir, 'frobnicate'), []);
});

test('a cache directory others can write is not used', { skip }, (t) => {
  const base = mkdtempSync(join(tmpdir(), 'berth-v8-'));
  t.after(() => rmSync(base, { recursive: true, force: true }));
  const dir = join(base, 'v8');
  berthWithCache(dir, '--version');
  const planted = cacheFiles(dir, 'none')[0]!;
  chmodSync(dir, 0o777);
  // a file someone else could have put there would be run as code: neither read nor written
  writeFileSync(join(dir, planted), Buffer.alloc(4096, 0x5a));
  assert.match(berthWithCache(dir, '--version'), /^berth version /);
  assert.deepEqual(readFileSync(join(dir, planted)), Buffer.alloc(4096, 0x5a), 'the cache was rewritten in a world-writable directory');
  assert.match(berthWithCache(dir, 'images', '--help'), /Usage/);
  assert.deepEqual(cacheFiles(dir, 'images'), []);
});
