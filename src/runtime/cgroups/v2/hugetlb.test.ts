import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeCgroupFixture, V2_LEAF_FILES } from '../../../../test/helpers/cgroup-fixture.ts';
import { emptyApplyReport } from '../controller.ts';
import { emptyStats } from '../stats.ts';
import { v2Hugetlb } from './hugetlb.ts';

test('hugetlb.<size>.max and .rsvd.max', (t) => {
  const fx = makeCgroupFixture();
  t.after(fx.cleanup);
  const dir = fx.dir('c1', V2_LEAF_FILES);
  v2Hugetlb.apply({ hugepageLimits: [{ pageSize: '2MB', limit: 2097152 }, { pageSize: '1GB', limit: 0 }] }, dir, emptyApplyReport());
  assert.deepEqual(fx.writes(), [
    { file: 'c1/hugetlb.2MB.max', value: '2097152' },
    { file: 'c1/hugetlb.2MB.rsvd.max', value: '2097152' },
    { file: 'c1/hugetlb.1GB.max', value: '0' },
    { file: 'c1/hugetlb.1GB.rsvd.max', value: '0' },
  ]);
  assert.throws(() => v2Hugetlb.apply({ hugepageLimits: [{ pageSize: '64KB', limit: 1 }] }, dir, emptyApplyReport()), /"64KB" is not a huge page size of this host \(this host has 1GB, 2MB\)/);
});

test('stats: usage from .rsvd.current, failcnt from .events max', (t) => {
  const fx = makeCgroupFixture();
  t.after(fx.cleanup);
  const dir = fx.dir('c1', {
    'hugetlb.2MB.max': 'max\n',
    'hugetlb.2MB.current': '0\n',
    'hugetlb.2MB.rsvd.current': '2097152\n',
    'hugetlb.2MB.events': 'max 3\n',
  });
  const s = emptyStats();
  v2Hugetlb.stats!(dir, s);
  assert.deepEqual(s.hugetlb, { '2MB': { usage: 2097152n, max: 0n, failcnt: 3n } });
});
