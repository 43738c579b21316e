import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeCgroupFixture, V1_CPU_FILES } from '../../../../test/helpers/cgroup-fixture.ts';
import { emptyApplyReport } from '../controller.ts';
import { emptyStats } from '../stats.ts';
import { v1Cpu } from './cpu.ts';

function setup(files: Record<string, string> = V1_CPU_FILES) {
  const fx = makeCgroupFixture();
  return { fx, dir: fx.dir('cpu/c1', files), report: emptyApplyReport() };
}

test('every cpu field lands in its v1 file, shares unconverted', (t) => {
  const { fx, dir, report } = setup();
  t.after(fx.cleanup);
  v1Cpu.apply({ cpu: { shares: 512, quota: 50000, period: 200000, burst: 10000, realtimeRuntime: 95000, realtimePeriod: 1000000, idle: 1 } }, dir, report);
  assert.deepEqual(fx.writes(), [
    { file: 'cpu/c1/cpu.shares', value: '512' },
    { file: 'cpu/c1/cpu.cfs_period_us', value: '200000' },
    { file: 'cpu/c1/cpu.cfs_quota_us', value: '50000' },
    { file: 'cpu/c1/cpu.cfs_burst_us', value: '10000' },
    { file: 'cpu/c1/cpu.rt_period_us', value: '1000000' },
    { file: 'cpu/c1/cpu.rt_runtime_us', value: '95000' },
    { file: 'cpu/c1/cpu.idle', value: '1' },
  ]);
  assert.deepEqual(report.warnings, []);
});

test('quota -1 removes the limit; 0 and unset write nothing', (t) => {
  const { fx, dir, report } = setup();
  t.after(fx.cleanup);
  v1Cpu.apply({ cpu: { quota: -1, period: 0, shares: 0 } }, dir, report);
  assert.deepEqual(fx.writes(), [{ file: 'cpu/c1/cpu.cfs_quota_us', value: '-1' }]);
});

test('shares the kernel clamps are an error saying the bound', (t) => {
  // a plain file keeps what is written; seed what the kernel would read back instead
  const { fx, dir, report } = setup();
  t.after(fx.cleanup);
  assert.doesNotThrow(() => v1Cpu.apply({ cpu: { shares: 2 } }, dir, report));
  assert.throws(() => v1Cpu.apply({ cpu: { shares: -5 } }, dir, report), /linux\.resources\.cpu\.shares: -5 is below the minimum 0/);
  assert.throws(() => v1Cpu.apply({ cpu: { idle: 2 } }, dir, report), /linux\.resources\.cpu\.idle: 2 is above the maximum 1/);
  assert.throws(() => v1Cpu.apply({ cpu: { period: 1.5 } }, dir, report), /linux\.resources\.cpu\.period: 1\.5 is not an integer/);
});

test('isRequested ignores cpus and mems (cpuset serves them)', () => {
  assert.equal(v1Cpu.isRequested({ cpu: { cpus: '0' } }), false);
  assert.equal(v1Cpu.isRequested({ cpu: { idle: 0 } }), true);
});

test('stats read throttling from cpu.stat', (t) => {
  const { fx, dir } = setup({ 'cpu.stat': 'nr_periods 10\nnr_throttled 3\nthrottled_time 123456\nnr_bursts 0\nburst_time 0\n' });
  t.after(fx.cleanup);
  const s = emptyStats();
  v1Cpu.stats!(dir, s);
  assert.deepEqual(s.cpu.throttling, { periods: 10n, throttledPeriods: 3n, throttledTime: 123456n });
});
