import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertsDirectory, goBase, nameRebaser, prepareArchiveCopy, preserveTrailingDotOrSeparator, rebaseNameFor, splitPathDirEntry } from './copy-paths.ts';

test('Go\'s Base and the trailing "/" and "/." rules', () => {
  assert.equal(goBase('/a/b/'), 'b');
  assert.equal(goBase('/'), '/');
  assert.equal(goBase(''), '.');
  assert.equal(goBase('/a/.'), '.');
  assert.ok(assertsDirectory('/a/'));
  assert.ok(assertsDirectory('/a/.'));
  assert.ok(!assertsDirectory('/a'));
  assert.equal(preserveTrailingDotOrSeparator('/a/b', 'b/'), '/a/b/');
  assert.equal(preserveTrailingDotOrSeparator('/a/b', 'b/.'), '/a/b/.');
  assert.equal(preserveTrailingDotOrSeparator('/a/b', 'b'), '/a/b');
  assert.equal(preserveTrailingDotOrSeparator('/', '/'), '/');
});

test('SplitPathDirEntry keeps "." as the name of "dir/."', () => {
  assert.deepEqual(splitPathDirEntry('/tmp/d/.'), { dir: '/tmp/d', base: '.' });
  assert.deepEqual(splitPathDirEntry('/tmp/d/'), { dir: '/tmp', base: 'd' });
  assert.deepEqual(splitPathDirEntry('/tmp/d'), { dir: '/tmp', base: 'd' });
  assert.deepEqual(splitPathDirEntry('/'), { dir: '/', base: '/' });
});

test('the rebaser renames the top name only, whole components only', () => {
  const r = nameRebaser('data', 'copy');
  assert.equal(r('data/'), 'copy/');
  assert.equal(r('data/a'), 'copy/a');
  assert.equal(r('data'), 'copy');
  assert.equal(r('database/a'), 'database/a');
  const dot = nameRebaser('.', 'new');
  assert.equal(dot('./a'), 'new/a');
  assert.equal(nameRebaser('', 'x')('/a'), 'x/a');
});

test('GetRebaseName: following a link that changed the last name renames back', () => {
  assert.deepEqual(rebaseNameFor('/tmp/link', '/data/real'), { resolved: '/data/real', rebaseName: 'link' });
  assert.deepEqual(rebaseNameFor('/tmp/link/', '/data/real'), { resolved: '/data/real/', rebaseName: 'link' });
  assert.deepEqual(rebaseNameFor('/tmp/same', '/x/same'), { resolved: '/x/same', rebaseName: '' });
});

test('PrepareArchiveCopy: where to extract and how to rename, for each case of docker cp', () => {
  const file = { path: '/src/f', exists: true, isDir: false, rebaseName: '' };
  const dir = { path: '/src/d', exists: true, isDir: true, rebaseName: '' };
  const intoDir = prepareArchiveCopy(file, { path: '/dst', exists: true, isDir: true, rebaseName: '' });
  assert.deepEqual(intoDir, { dstDir: '/dst' });
  const overFile = prepareArchiveCopy(file, { path: '/dst/g', exists: true, isDir: false, rebaseName: '' });
  assert.ok(typeof overFile === 'object' && overFile.dstDir === '/dst' && overFile.rename!('f') === 'g');
  assert.equal(prepareArchiveCopy(dir, { path: '/dst/g', exists: true, isDir: false, rebaseName: '' }), 'cannot-copy-dir');
  const newDir = prepareArchiveCopy(dir, { path: '/dst/new', exists: false, isDir: false, rebaseName: '' });
  assert.ok(typeof newDir === 'object' && newDir.dstDir === '/dst' && newDir.rename!('d/x') === 'new/x');
  assert.equal(prepareArchiveCopy(file, { path: '/dst/new/', exists: false, isDir: false, rebaseName: '' }), 'dir-not-exists');
  const newFile = prepareArchiveCopy(file, { path: '/dst/h', exists: false, isDir: false, rebaseName: '' });
  assert.ok(typeof newFile === 'object' && newFile.rename!('f') === 'h');
  const linked = prepareArchiveCopy({ path: '/src/real', exists: true, isDir: false, rebaseName: 'link' }, { path: '/dst/h', exists: false, isDir: false, rebaseName: '' });
  assert.ok(typeof linked === 'object' && linked.rename!('link') === 'h');
});
