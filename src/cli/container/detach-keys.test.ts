import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DetachMatcher, parseDetachKeys } from './detach-keys.ts';

test('detach keys: docker\'s notation', () => {
  assert.deepEqual(parseDetachKeys('ctrl-p,ctrl-q'), [16, 17]);
  assert.deepEqual(parseDetachKeys('ctrl-@,ctrl-[,ctrl-\\,ctrl-],ctrl-^,ctrl-_'), [0, 27, 28, 29, 30, 31]);
  assert.deepEqual(parseDetachKeys('a,ctrl-a'), [97, 1]);
  assert.throws(() => parseDetachKeys('ctrl-1'), /invalid --detach-keys "ctrl-1": unknown key "ctrl-1"/);
  assert.throws(() => parseDetachKeys('ab'), /unknown key "ab"/);
  assert.throws(() => parseDetachKeys('a,,b'), /unknown key ""/);
});

test('detach matcher: holds a possible start, passes a broken sequence on, detaches on the whole one', () => {
  const m = new DetachMatcher([16, 17]);
  assert.deepEqual(m.feed(Buffer.from('ab')), { forward: Buffer.from('ab'), detach: false });
  assert.deepEqual(m.feed(Buffer.from([99, 16])), { forward: Buffer.from([99]), detach: false });
  // ctrl-p then x: both go to the container
  assert.deepEqual(m.feed(Buffer.from('x')), { forward: Buffer.from([16, 120]), detach: false });
  // ctrl-p ctrl-p ctrl-q: the first ctrl-p is passed on, the rest detaches
  assert.deepEqual(m.feed(Buffer.from([16, 16, 17, 65])), { forward: Buffer.from([16]), detach: true });
  const split = new DetachMatcher([16, 17]);
  assert.deepEqual(split.feed(Buffer.from([104, 16])), { forward: Buffer.from([104]), detach: false });
  assert.deepEqual(split.feed(Buffer.from([17])), { forward: Buffer.alloc(0), detach: true });
  const one = new DetachMatcher([1]);
  assert.deepEqual(one.feed(Buffer.from([104, 1])), { forward: Buffer.from([104]), detach: true });
});
