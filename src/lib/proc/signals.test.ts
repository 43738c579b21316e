import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSignal, exitCodeOf } from './signals.ts';

test('signals by name, SIG-name, any case, number and real-time offset', () => {
  assert.equal(parseSignal('KILL'), 9);
  assert.equal(parseSignal('SIGTERM'), 15);
  assert.equal(parseSignal('hup'), 1);
  assert.equal(parseSignal('10'), 10);
  assert.equal(parseSignal('RTMIN+2'), 36);
  assert.equal(parseSignal('SIGRTMAX'), 64);
  assert.throws(() => parseSignal('NOPE'), /invalid signal "NOPE"/);
  assert.throws(() => parseSignal('65'), /1 to 64/);
});

test('wait statuses become shell exit codes', () => {
  assert.equal(exitCodeOf(3 << 8), 3);
  assert.equal(exitCodeOf(9), 137);
  assert.equal(exitCodeOf(15 | 0x80), 143, 'a core dump flag does not change the signal');
});
