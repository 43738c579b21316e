import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ContainerRecord } from '../container-types.ts';
import { effectiveHealth, goDuration, mergeHealthConfig } from './health-config.ts';
import { applyProbeResult, resetHealth } from './health-state.ts';

const started = '2030-01-01T00:00:00.000Z';
const at = (s: number): string => new Date(Date.parse(started) + s * 1000).toISOString();
const record = (): ContainerRecord => ({ State: { StartedAt: started } } as unknown as ContainerRecord);
const result = (s: number, code: number) => ({ Start: at(s), End: at(s + 0.1), ExitCode: code, Output: '' });

test('docker\'s transitions: starting, unhealthy at the retries, healthy on a success', () => {
  const h = effectiveHealth({ Test: ['CMD', 'true'], Retries: 2 })!;
  const r = record();
  resetHealth(r, true);
  assert.deepEqual({ ...r.State.Health }, { Status: 'starting', FailingStreak: 0, Log: [] });
  applyProbeResult(r, result(1, 1), h);
  assert.equal(r.State.Health!.Status, 'starting');
  assert.equal(r.State.Health!.FailingStreak, 1);
  applyProbeResult(r, result(2, 7), h);
  assert.equal(r.State.Health!.Status, 'unhealthy');
  applyProbeResult(r, result(3, 0), h);
  assert.deepEqual([r.State.Health!.Status, r.State.Health!.FailingStreak], ['healthy', 0]);
  applyProbeResult(r, result(4, 1), h);
  assert.deepEqual([r.State.Health!.Status, r.State.Health!.FailingStreak], ['healthy', 1], 'healthy until the retries are used up');
  for (let i = 5; i < 12; i++) applyProbeResult(r, result(i, 0), h);
  assert.equal(r.State.Health!.Log.length, 5);
  assert.equal(r.State.Health!.Log[4]!.Start, at(11));
});

test('failures within the start period do not count while starting', () => {
  const h = effectiveHealth({ Test: ['CMD-SHELL', 'false'], Retries: 1, StartPeriod: 10e9 })!;
  const r = record();
  resetHealth(r, true);
  applyProbeResult(r, result(5, 1), h);
  assert.deepEqual([r.State.Health!.Status, r.State.Health!.FailingStreak], ['starting', 0]);
  applyProbeResult(r, result(11, 1), h);
  assert.equal(r.State.Health!.Status, 'unhealthy');
});

test('effective config: CMD, CMD-SHELL, NONE, defaults; merge with the image\'s', () => {
  assert.deepEqual(effectiveHealth({ Test: ['CMD-SHELL', 'curl -f x'] }), { command: ['/bin/sh', '-c', 'curl -f x'], intervalNs: 30e9, timeoutNs: 30e9, startPeriodNs: 0, startIntervalNs: 5e9, retries: 3 });
  assert.deepEqual(effectiveHealth({ Test: ['CMD', 'a', 'b'], Interval: 1e9 })!.command, ['a', 'b']);
  assert.equal(effectiveHealth({ Test: ['NONE'] }), undefined);
  assert.equal(effectiveHealth({ Interval: 1e9 }), undefined);
  assert.equal(effectiveHealth(undefined), undefined);
  assert.deepEqual(mergeHealthConfig({ Interval: 1e9 }, { Test: ['CMD', 'x'], Interval: 30e9, Retries: 4 }), { Test: ['CMD', 'x'], Interval: 1e9, Retries: 4 });
  assert.deepEqual(mergeHealthConfig({ Test: ['NONE'] }, { Test: ['CMD', 'x'] }), { Test: ['NONE'] });
  assert.deepEqual(mergeHealthConfig(undefined, { Test: ['CMD', 'x'] }), { Test: ['CMD', 'x'] });
});

test('Go\'s duration strings, as docker\'s timeout message has them', () => {
  assert.equal(goDuration(30e9), '30s');
  assert.equal(goDuration(500e6), '500ms');
  assert.equal(goDuration(1.5e9), '1.5s');
  assert.equal(goDuration(90e9), '1m30s');
  assert.equal(goDuration(3600e9), '1h0m0s');
  assert.equal(goDuration(0), '0s');
  assert.equal(goDuration(1500), '1.5µs');
});
