import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeRanges, isCovered, parseSubidFile } from './subid-ranges.ts';

const alice = { name: 'alice', uid: 1000 };

test('subuid lines are found by name and by uid; comments, others and malformed lines are skipped', () => {
  const text = '# ranges\nbob:100000:65536\nalice:165536:65536\n1000:300000:10\nalice:x:5\nalice:400000\n\n';
  assert.deepEqual(parseSubidFile(text, alice), [
    { start: 165536, count: 65536 },
    { start: 300000, count: 10 },
  ]);
  assert.deepEqual(parseSubidFile(text, { name: 'carol', uid: 1001 }), []);
});

test('a mapping is covered by the union of adjacent or overlapping ranges, not across a gap', () => {
  const ranges = [
    { start: 100, count: 10 },
    { start: 110, count: 5 },
    { start: 200, count: 10 },
  ];
  assert.equal(isCovered(ranges, 100, 15), true);
  assert.equal(isCovered(ranges, 105, 10), true);
  assert.equal(isCovered(ranges, 100, 16), false);
  assert.equal(isCovered(ranges, 99, 2), false);
  assert.equal(isCovered(ranges, 205, 5), true);
  assert.equal(isCovered(ranges, 114, 90), false);
  assert.equal(isCovered([], 1, 1), false);
  assert.equal(describeRanges(ranges), '100-109, 110-114, 200-209');
  assert.equal(describeRanges([]), 'none');
});
