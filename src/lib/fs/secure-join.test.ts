import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { secureJoin } from './secure-join.ts';

test('symlinks are followed inside the root and never out of it', () => {
  const root = mkdtempSync(join(tmpdir(), 'berth-sj-'));
  try {
    mkdirSync(join(root, 'etc'));
    symlinkSync('/etc/shadow', join(root, 'etc', 'passwd'));
    symlinkSync('../../../../outside', join(root, 'up'));
    symlinkSync('etc', join(root, 'rel'));
    symlinkSync('loop', join(root, 'loop'));
    assert.equal(secureJoin(root, '/etc/passwd'), join(root, 'etc', 'shadow'));
    assert.equal(secureJoin(root, 'up/x'), join(root, 'outside', 'x'));
    assert.equal(secureJoin(root, '/rel/../../../x'), join(root, 'x'));
    assert.equal(secureJoin(root, '/missing/a/b'), join(root, 'missing', 'a', 'b'));
    assert.throws(() => secureJoin(root, '/loop'), /too many levels/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
