import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeCgroupFixture, V2_LEAF_FILES } from '../../../../test/helpers/cgroup-fixture.ts';
import { emptyApplyReport } from '../controller.ts';
import { emptyStats } from '../stats.ts';
import { v2Cpuset } from './cpuset.ts';

test('cpus and mems, and effective sets in stats', (t) => {
  const fx = makeCgroupFixture();
  t.after(fx.cleanup);
  const dir = fx.dir('c1', V2_LEAF_FILES);
  v2Cpuset.apply({ cpu: { cpus: '0-1', mems: '0' } }, dir, emptyApplyReport());
  assert.deepEqual(fx.writes(), [
    { file: 'c1/cpuset.mems', value: '0' },
    { file: 'c1/cpuset.cpus', value: '0-1' },
  ]);
  assert.throws(() => v2Cpuset.apply({ cpu: { cpus: '0-' } }, dir, emptyApplyReport()), /linux\.resources\.cpu\.cpus/);
  const s = emptyStats();
  v2Cpuset.stats!(dir, s);
  assert.deepEqual(s.cpuset.cpus, [0, 1]);
  assert.deepEqual(s.cpuset.mems, [0]);
});
