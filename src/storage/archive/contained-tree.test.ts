import assert from 'node:assert/strict';
import { closeSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { tempDir } from '../../../test/helpers/gnu-tar.ts';
import { O } from '../sys/linux-constants.ts';
import { ContainedTree } from './contained-tree.ts';
import { UnsafeLayerEntryError } from './unsafe-entry-error.ts';

// Both ways of walking a tree without following symlinks: openat2 RESOLVE_BENEATH|NO_SYMLINKS
// (Linux 5.6+) and the per-component openat(O_NOFOLLOW) fallback must give the same answers.

let tmp: { dir: string; cleanup: () => void };
let root: string;

before(() => {
  tmp = tempDir('contained');
  root = join(tmp.dir, 'root');
  mkdirSync(join(root, 'a/b'), { recursive: true });
  writeFileSync(join(root, 'a/file'), 'f');
  symlinkSync('/etc', join(root, 'abs'));
  symlinkSync('a', join(root, 'rel'));
  symlinkSync('../..', join(root, 'a/up'));
});
after(() => tmp?.cleanup());

for (const useOpenat2 of [true, false]) {
  describe(useOpenat2 ? 'with openat2' : 'with the openat(O_NOFOLLOW) walk', () => {
    test('opens real directories and files below the root', () => {
      const tree = new ContainedTree(root, { useOpenat2 });
      try {
        for (const p of ['', 'a', 'a/b', 'a/file']) {
          const fd = tree.open(p, O.PATH);
          assert.ok(fd >= 0, `${p}: ${fd}`);
          closeSync(fd);
        }
        assert.equal(tree.open('missing/x', O.PATH), -2);
      } finally {
        tree.close();
      }
    });

    test('refuses every symlink on the way, absolute, relative or climbing', () => {
      const tree = new ContainedTree(root, { useOpenat2 });
      try {
        for (const p of ['abs', 'abs/passwd', 'rel/b', 'a/up', 'a/up/etc']) {
          assert.equal(tree.open(p, O.PATH | O.DIRECTORY), -40, `${p} gives ELOOP`);
        }
        assert.throws(() => tree.dir('rel/b', 'rel/b/x', true), (err: unknown) => err instanceof UnsafeLayerEntryError && /parent "rel\/b" is or goes through a symbolic link/.test(err.message));
        assert.throws(() => tree.dir('a/file', 'a/file/x', true), /parent "a\/file" is not a directory/);
        assert.ok(tree.dir('new/dirs/made', 'new/dirs/made/x', true)! >= 0);
      } finally {
        tree.close();
      }
    });
  });
}
