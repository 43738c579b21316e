import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backoffMs, isNetworkError, parseRetryAfter } from './retry.ts';

test('Retry-After in seconds and as a date', () => {
  assert.equal(parseRetryAfter('3'), 3000);
  assert.equal(parseRetryAfter(new Date(10_000).toUTCString(), 4_000), 6000);
  assert.equal(parseRetryAfter(undefined), undefined);
  assert.equal(parseRetryAfter('soon'), undefined);
});

test('backoff grows and stays bounded', () => {
  for (let i = 0; i < 10; i++) {
    const ms = backoffMs(i, 100);
    assert.ok(ms >= Math.min(100 * 2 ** i, 30_000) / 2 && ms <= Math.min(100 * 2 ** i, 30_000));
  }
});

test('network errors are found in the cause chain', () => {
  assert.equal(isNetworkError(Object.assign(new Error('x'), { code: 'ECONNRESET' })), true);
  assert.equal(isNetworkError(new Error('x', { cause: Object.assign(new Error('y'), { code: 'UND_ERR_SOCKET' }) })), true);
  assert.equal(isNetworkError(new Error('x')), false);
});
