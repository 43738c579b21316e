import { test } from 'node:test';
import assert from 'node:assert/strict';
import { binarySize, humanDuration, humanSize } from './units.ts';

test('sizes like go-units', () => {
  assert.equal(humanSize(0), '0B');
  assert.equal(humanSize(999), '999B');
  assert.equal(humanSize(1000), '1kB');
  assert.equal(humanSize(4_261_376), '4.26MB');
  assert.equal(humanSize(1_234_567_890), '1.23GB');
  assert.equal(binarySize(2048), '2KiB');
});

test('durations like go-units', () => {
  assert.equal(humanDuration(500), 'Less than a second');
  assert.equal(humanDuration(45_000), '45 seconds');
  assert.equal(humanDuration(90_000), 'About a minute');
  assert.equal(humanDuration(3 * 3_600_000), '3 hours');
  assert.equal(humanDuration(5 * 86_400_000), '5 days');
  assert.equal(humanDuration(400 * 86_400_000), '13 months');
  assert.equal(humanDuration(800 * 86_400_000), '2 years');
});
