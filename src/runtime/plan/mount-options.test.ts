import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseMountOptions } from './mount-options.ts';
import { MS } from './linux-constants.ts';

test('flags, their negations, propagation and data are told apart', () => {
  const p = parseMountOptions(['nosuid', 'noexec', 'ro', 'rw', 'mode=755', 'size=64m', 'rslave', 'strictatime']);
  assert.equal(p.flags, MS.NOSUID | MS.NOEXEC | MS.STRICTATIME);
  assert.deepEqual(p.propagation, [MS.SLAVE | MS.REC]);
  assert.equal(p.data, 'mode=755,size=64m');
  assert.equal(p.isBind, false);
});

test('bind and rbind, or type "bind", make a bind mount', () => {
  assert.equal(parseMountOptions(['rbind']).flags, MS.BIND | MS.REC);
  assert.equal(parseMountOptions(['bind']).isBind, true);
  const t = parseMountOptions(['ro'], 'bind');
  assert.equal(t.isBind, true);
  assert.equal(t.flags, MS.BIND | MS.RDONLY);
});
