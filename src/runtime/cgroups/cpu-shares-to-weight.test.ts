import { test } from 'node:test';
import assert from 'node:assert/strict';
import { convertCpuSharesToWeight } from './cpu-shares-to-weight.ts';

test('the three anchors: minimum, default, maximum', () => {
  assert.equal(convertCpuSharesToWeight(2), 1);
  assert.equal(convertCpuSharesToWeight(1024), 100);
  assert.equal(convertCpuSharesToWeight(262144), 10000);
});

test('0 stays "not set"; out-of-range values clamp', () => {
  assert.equal(convertCpuSharesToWeight(0), 0);
  assert.equal(convertCpuSharesToWeight(1), 1);
  assert.equal(convertCpuSharesToWeight(1_000_000), 10000);
});

test('values runc 1.4 and crun write (runc#4896: 2000 -> 170, not 77)', () => {
  assert.equal(convertCpuSharesToWeight(2000), 170);
  assert.equal(convertCpuSharesToWeight(512), 59);
  assert.equal(convertCpuSharesToWeight(100), 17);
  assert.equal(convertCpuSharesToWeight(4096), 303);
});

test('monotonic and inside [1, 10000] over the whole range', () => {
  let last = 0;
  for (let s = 2; s <= 262144; s += 97) {
    const w = convertCpuSharesToWeight(s);
    assert.ok(w >= last && w >= 1 && w <= 10000, `shares ${s} -> ${w}`);
    last = w;
  }
});
