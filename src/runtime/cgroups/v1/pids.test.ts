import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeCgroupFixture } from '../../../../test/helpers/cgroup-fixture.ts';
import { emptyApplyReport } from '../controller.ts';
import { emptyStats } from '../stats.ts';
import { v1Pids } from './pids.ts';

test('pids.limit: positive is the limit, 0 and -1 are "max"', (t) => {
  const fx = makeCgroupFixture();
  t.after(fx.cleanup);
  const dir = fx.dir('pids/c1', { 'pids.max': 'max\n' });
  v1Pids.apply({ pids: { limit: 42 } }, dir, emptyApplyReport());
  assert.equal(fx.read('pids/c1/pids.max'), '42');
  v1Pids.apply({ pids: { limit: 0 } }, dir, emptyApplyReport());
  assert.equal(fx.read('pids/c1/pids.max'), 'max');
  v1Pids.apply({ pids: { limit: -1 } }, dir, emptyApplyReport());
  assert.equal(fx.read('pids/c1/pids.max'), 'max');
  v1Pids.apply({ pids: {} }, dir, emptyApplyReport());
  assert.equal(fx.writes().length, 3);
  assert.throws(() => v1Pids.apply({ pids: { limit: -7 } }, dir, emptyApplyReport()), /linux\.resources\.pids\.limit: -7 is below the minimum -1/);
});

test('stats: current, and "max" reported as limit 0 like runc', (t) => {
  const fx = makeCgroupFixture();
  t.after(fx.cleanup);
  const s = emptyStats();
  v1Pids.stats!(fx.dir('pids/a', { 'pids.current': '3\n', 'pids.max': 'max\n' }), s);
  assert.deepEqual(s.pids, { current: 3n, limit: 0n });
  v1Pids.stats!(fx.dir('pids/b', { 'pids.current': '5\n', 'pids.max': '64\n' }), s);
  assert.deepEqual(s.pids, { current: 5n, limit: 64n });
});
