import { test } from 'node:test';
import assert from 'node:assert/strict';
import { containerDeviceRules, DEFAULT_DEVICE_RULES } from './container-device-rules.ts';
import { effectiveDeviceState, isDeviceAccessAllowed } from './device-rules.ts';

test('config rules, then linux.devices, then the defaults', () => {
  const rules = containerDeviceRules({
    resources: { devices: [{ allow: false, access: 'rwm' }] },
    devices: [{ path: '/dev/fuse', type: 'c', major: 10, minor: 229 }, { path: '/dev/loop0', type: 'b', major: 7, minor: 0 }, { path: '/dev/fifo', type: 'p', major: 0, minor: 0 }],
  });
  assert.deepEqual(rules.slice(0, 3), [
    { allow: false, access: 'rwm' },
    { allow: true, type: 'c', major: 10, minor: 229, access: 'rwm' },
    { allow: true, type: 'b', major: 7, minor: 0, access: 'rwm' },
  ]);
  assert.equal(rules.length, 3 + DEFAULT_DEVICE_RULES.length);
  const state = effectiveDeviceState(rules);
  assert.equal(isDeviceAccessAllowed(state, 'c', 10, 229, 'rw'), true);
  assert.equal(isDeviceAccessAllowed(state, 'c', 1, 3, 'rw'), true);
  assert.equal(isDeviceAccessAllowed(state, 'c', 1, 1, 'r'), false);
});

test('a device the config has its own rule for keeps that rule\'s access (docker --device x:y:r)', () => {
  const rules = containerDeviceRules({
    resources: { devices: [{ allow: false, access: 'rwm' }, { allow: true, type: 'c', major: 10, minor: 237, access: 'r' }] },
    devices: [{ path: '/dev/lc', type: 'c', major: 10, minor: 237 }],
  });
  const state = effectiveDeviceState(rules);
  assert.equal(isDeviceAccessAllowed(state, 'c', 10, 237, 'r'), true);
  assert.equal(isDeviceAccessAllowed(state, 'c', 10, 237, 'w'), false);
});
