import { test } from 'node:test';
import assert from 'node:assert/strict';
import { goBytesSize, goHumanSize } from './go-units.ts';

test('BytesSize: %.4g over 1024', () => {
  assert.equal(goBytesSize(0), '0B');
  assert.equal(goBytesSize(1023), '1023B');
  assert.equal(goBytesSize(2048000), '1.953MiB');
  assert.equal(goBytesSize(64 * 1024 * 1024), '64MiB');
  assert.equal(goBytesSize(25276510208), '23.54GiB');
});

test('HumanSizeWithPrecision: %.*g over 1000, exponents as Go writes them', () => {
  assert.equal(goHumanSize(0), '0B');
  assert.equal(goHumanSize(5000), '5kB');
  assert.equal(goHumanSize(1234567), '1.23MB');
  assert.equal(goHumanSize(999900), '1e+03kB');
  assert.equal(goHumanSize(1234567, 4), '1.235MB');
});
