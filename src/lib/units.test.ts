import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseBytes, parseDuration } from './units.ts';

test('sizes as docker reads them', () => {
  assert.equal(parseBytes('512k', '--memory'), 524288);
  assert.equal(parseBytes('64M', '--memory'), 64 * 1024 * 1024);
  assert.equal(parseBytes('1.5g', '--memory'), 1.5 * 1024 ** 3);
  assert.equal(parseBytes('100mb', '--memory'), 100 * 1024 * 1024);
  assert.equal(parseBytes('1048576', '--memory'), 1048576);
  assert.equal(parseBytes('-1', '--memory-swap'), -1);
  assert.throws(() => parseBytes('12x', '--memory'), /invalid value "12x" for --memory: expected a size such as 512m/);
});

test('durations as Go reads them', () => {
  assert.equal(parseDuration('5s', '--interval'), 5000);
  assert.equal(parseDuration('250ms', '--interval'), 250);
  assert.equal(parseDuration('1m30s', '--interval'), 90_000);
  assert.throws(() => parseDuration('5', '--interval'), /expected a duration/);
  assert.throws(() => parseDuration('5s garbage', '--interval'), /expected a duration/);
});
