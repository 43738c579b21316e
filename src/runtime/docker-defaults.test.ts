import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DOCKER_DEFAULT_CAPS, DOCKER_DEFAULT_MASKED_PATHS, DOCKER_DEFAULT_READONLY_PATHS, dockerDefaultMaskedPaths } from './docker-defaults.ts';
import { CAPABILITIES } from './capabilities.ts';

test("docker's 14 default capabilities are all real capability names", () => {
  assert.equal(DOCKER_DEFAULT_CAPS.length, 14);
  for (const c of DOCKER_DEFAULT_CAPS) assert.ok(CAPABILITIES.includes(c), c);
  assert.ok(!DOCKER_DEFAULT_CAPS.includes('CAP_SYS_ADMIN'));
  assert.ok(!DOCKER_DEFAULT_CAPS.includes('CAP_NET_ADMIN'));
});

test('masked and read-only paths', () => {
  assert.ok(DOCKER_DEFAULT_MASKED_PATHS.includes('/proc/kcore'));
  assert.ok(DOCKER_DEFAULT_MASKED_PATHS.includes('/proc/interrupts'));
  assert.ok(DOCKER_DEFAULT_MASKED_PATHS.includes('/sys/devices/virtual/powercap'));
  assert.deepEqual(DOCKER_DEFAULT_READONLY_PATHS, ['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger']);
});

test("each host CPU's thermal_throttle directory is masked too, in CPU order", () => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-cpus-'));
  try {
    for (const d of ['cpu0/thermal_throttle', 'cpu1', 'cpu10/thermal_throttle', 'cpu2/thermal_throttle', 'cpufreq', 'cpuidle']) mkdirSync(join(dir, d), { recursive: true });
    const paths = dockerDefaultMaskedPaths(dir);
    assert.deepEqual(paths.slice(DOCKER_DEFAULT_MASKED_PATHS.length), [
      '/sys/devices/system/cpu/cpu0/thermal_throttle',
      '/sys/devices/system/cpu/cpu2/thermal_throttle',
      '/sys/devices/system/cpu/cpu10/thermal_throttle',
    ]);
    assert.deepEqual(dockerDefaultMaskedPaths(join(dir, 'missing')), [...DOCKER_DEFAULT_MASKED_PATHS]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
