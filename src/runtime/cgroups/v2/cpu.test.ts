import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeCgroupFixture, V2_LEAF_FILES } from '../../../../test/helpers/cgroup-fixture.ts';
import { emptyApplyReport } from '../controller.ts';
import { emptyStats } from '../stats.ts';
import { v2Cpu } from './cpu.ts';

function setup(files: Record<string, string> = V2_LEAF_FILES) {
  const fx = makeCgroupFixture();
  return { fx, dir: fx.dir('c1', files), report: emptyApplyReport() };
}

test('shares become cpu.weight; quota and period cpu.max; burst and idle their files', (t) => {
  const { fx, dir, report } = setup();
  t.after(fx.cleanup);
  v2Cpu.apply({ cpu: { shares: 1024, quota: 50000, period: 200000, burst: 10000, idle: 0 } }, dir, report);
  assert.deepEqual(fx.writes(), [
    { file: 'c1/cpu.idle', value: '0' },
    { file: 'c1/cpu.weight', value: '100' },
    { file: 'c1/cpu.max.burst', value: '10000' },
    { file: 'c1/cpu.max', value: '50000 200000' },
  ]);
  assert.deepEqual(report.warnings, []);
});

test('the shares conversion is the current runc/crun one', (t) => {
  const { fx, dir, report } = setup();
  t.after(fx.cleanup);
  for (const [shares, weight] of [[2, '1'], [512, '59'], [2000, '170'], [262144, '10000']] as const) {
    v2Cpu.apply({ cpu: { shares } }, dir, report);
    assert.equal(fx.read('c1/cpu.weight'), weight, `shares ${shares}`);
  }
});

test('quota or period alone keeps the other half of cpu.max', (t) => {
  const { fx, dir, report } = setup({ ...V2_LEAF_FILES, 'cpu.max': '20000 50000\n' });
  t.after(fx.cleanup);
  v2Cpu.apply({ cpu: { period: 100000 } }, dir, report);
  assert.equal(fx.read('c1/cpu.max'), '20000 100000');
  v2Cpu.apply({ cpu: { quota: 30000 } }, dir, report);
  assert.equal(fx.read('c1/cpu.max'), '30000 100000');
  v2Cpu.apply({ cpu: { quota: -1 } }, dir, report);
  assert.equal(fx.read('c1/cpu.max'), 'max 100000');
});

test('realtime fields are v1-only: warned about, nothing written', (t) => {
  const { fx, dir, report } = setup();
  t.after(fx.cleanup);
  v2Cpu.apply({ cpu: { realtimeRuntime: 950000, realtimePeriod: 1000000 } }, dir, report);
  assert.deepEqual(fx.writes(), []);
  assert.deepEqual(report.warnings, ['linux.resources.cpu.realtimeRuntime/realtimePeriod: ignored on cgroup v2 (it has no real-time group scheduling)']);
  assert.equal(v2Cpu.isRequested({ cpu: { realtimeRuntime: 1 } }), false);
  assert.equal(v2Cpu.isRequested({ cpu: { shares: 0 } }), false);
});

test('stats: cpu.stat microseconds to nanoseconds, psi', (t) => {
  const { fx, dir } = setup({
    'cpu.stat': 'usage_usec 1500\nuser_usec 1000\nsystem_usec 500\nnr_periods 7\nnr_throttled 2\nthrottled_usec 30\n',
    'cpu.pressure': 'some avg10=0.00 avg60=0.00 avg300=0.00 total=5\n',
  });
  t.after(fx.cleanup);
  const s = emptyStats();
  v2Cpu.stats!(dir, s);
  assert.equal(s.cpu.usage.total, 1500000n);
  assert.equal(s.cpu.usage.user, 1000000n);
  assert.equal(s.cpu.usage.kernel, 500000n);
  assert.deepEqual(s.cpu.throttling, { periods: 7n, throttledPeriods: 2n, throttledTime: 30000n });
  assert.equal(s.cpu.psi?.some.total, 5n);
});
