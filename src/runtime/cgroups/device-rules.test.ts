import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyDeviceRules, effectiveDeviceState, isDeviceAccessAllowed, normalizeDeviceRules, WILDCARD } from './device-rules.ts';

test('normalization: defaults, canonical access, a partial "a" split into b and c', () => {
  assert.deepEqual(normalizeDeviceRules([{ allow: false, access: 'mwr' }]), [{ allow: false, type: 'a', major: WILDCARD, minor: WILDCARD, access: 'rwm' }]);
  assert.deepEqual(normalizeDeviceRules([{ allow: true, type: 'a', major: 1, access: 'r' }]), [
    { allow: true, type: 'b', major: 1, minor: WILDCARD, access: 'r' },
    { allow: true, type: 'c', major: 1, minor: WILDCARD, access: 'r' },
  ]);
  assert.deepEqual(normalizeDeviceRules([{ allow: true, type: 'c', major: -1, minor: 3, access: 'wrw' }]), [{ allow: true, type: 'c', major: WILDCARD, minor: 3, access: 'rw' }]);
});

test('the kernel\'s semantics: reset, add, merge, take away', () => {
  const s = effectiveDeviceState([
    { allow: false, access: 'rwm' },
    { allow: true, type: 'c', major: 1, minor: 3, access: 'r' },
    { allow: true, type: 'c', major: 1, minor: 3, access: 'w' }, // merges
    { allow: true, type: 'c', major: 4, access: 'rwm' },
    { allow: false, type: 'c', major: 4, access: 'rwm' }, // removes the whole entry
    { allow: false, type: 'c', major: 4, minor: 1, access: 'r' }, // no exact entry: no effect
  ]);
  assert.deepEqual(s, { defaultAllow: false, exceptions: [{ type: 'c', major: 1, minor: 3, access: 'rw' }] });
  assert.equal(isDeviceAccessAllowed(s, 'c', 1, 3, 'rw'), true);
  assert.equal(isDeviceAccessAllowed(s, 'c', 1, 3, 'm'), false);
  assert.equal(isDeviceAccessAllowed(s, 'b', 1, 3, 'r'), false);
  assert.equal(isDeviceAccessAllowed(s, 'c', 4, 1, 'r'), false);
});

test('a reset in the middle wipes what came before', () => {
  const s = effectiveDeviceState([{ allow: true, type: 'c', major: 1, minor: 3, access: 'r' }, { allow: true, access: 'rwm' }, { allow: false, type: 'b', access: 'w' }]);
  assert.deepEqual(s, { defaultAllow: true, exceptions: [{ type: 'b', major: WILDCARD, minor: WILDCARD, access: 'w' }] });
  assert.equal(isDeviceAccessAllowed(s, 'b', 8, 0, 'r'), true);
  assert.equal(isDeviceAccessAllowed(s, 'b', 8, 0, 'rw'), false, 'default allow denies on any shared bit');
  assert.equal(isDeviceAccessAllowed(s, 'c', 1, 3, 'w'), true);
});

test('default deny needs ONE exception covering every requested bit', () => {
  const s = applyDeviceRules(normalizeDeviceRules([{ allow: false, access: 'rwm' }, { allow: true, type: 'c', access: 'r' }, { allow: true, type: 'c', major: 1, minor: 3, access: 'w' }]));
  assert.equal(isDeviceAccessAllowed(s, 'c', 1, 3, 'r'), true);
  assert.equal(isDeviceAccessAllowed(s, 'c', 1, 3, 'w'), true);
  assert.equal(isDeviceAccessAllowed(s, 'c', 1, 3, 'rw'), false);
});

test('no rules: the inherited allow-all', () => {
  assert.deepEqual(effectiveDeviceState([]), { defaultAllow: true, exceptions: [] });
  assert.deepEqual(effectiveDeviceState(undefined), { defaultAllow: true, exceptions: [] });
});
