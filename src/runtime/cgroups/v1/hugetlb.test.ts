import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeCgroupFixture } from '../../../../test/helpers/cgroup-fixture.ts';
import { emptyApplyReport } from '../controller.ts';
import { emptyStats } from '../stats.ts';
import { v1Hugetlb } from './hugetlb.ts';

const FILES = {
  'hugetlb.2MB.limit_in_bytes': '9223372036854771712\n',
  'hugetlb.2MB.rsvd.limit_in_bytes': '9223372036854771712\n',
  'hugetlb.1GB.limit_in_bytes': '9223372036854771712\n',
  'hugetlb.2MB.usage_in_bytes': '4194304\n',
  'hugetlb.2MB.max_usage_in_bytes': '6291456\n',
  'hugetlb.2MB.failcnt': '1\n',
};

test('each page size gets its limit and, where present, its reservation limit', (t) => {
  const fx = makeCgroupFixture();
  t.after(fx.cleanup);
  const dir = fx.dir('hugetlb/c1', FILES);
  v1Hugetlb.apply({ hugepageLimits: [{ pageSize: '2MB', limit: 4194304 }, { pageSize: '1GB', limit: 0 }] }, dir, emptyApplyReport());
  assert.deepEqual(fx.writes(), [
    { file: 'hugetlb/c1/hugetlb.2MB.limit_in_bytes', value: '4194304' },
    { file: 'hugetlb/c1/hugetlb.2MB.rsvd.limit_in_bytes', value: '4194304' },
    { file: 'hugetlb/c1/hugetlb.1GB.limit_in_bytes', value: '0' },
  ]);
});

test('a page size the host lacks is named with the sizes it has', (t) => {
  const fx = makeCgroupFixture();
  t.after(fx.cleanup);
  const dir = fx.dir('hugetlb/c1', FILES);
  assert.throws(
    () => v1Hugetlb.apply({ hugepageLimits: [{ pageSize: '2MB', limit: 1 }, { pageSize: '16MB', limit: 1 }] }, dir, emptyApplyReport()),
    /linux\.resources\.hugepageLimits\[1\]\.pageSize: "16MB" is not a huge page size of this host \(this host has 1GB, 2MB\)/,
  );
  assert.throws(() => v1Hugetlb.apply({ hugepageLimits: [{ pageSize: '2M', limit: 1 }] }, dir, emptyApplyReport()), /"2M" is not a page size such as 2MB or 1GB/);
  assert.deepEqual(fx.writes(), []);
});

test('stats per page size', (t) => {
  const fx = makeCgroupFixture();
  t.after(fx.cleanup);
  const s = emptyStats();
  v1Hugetlb.stats!(fx.dir('hugetlb/c1', FILES), s);
  assert.deepEqual(s.hugetlb, { '1GB': { usage: 0n, max: 0n, failcnt: 0n }, '2MB': { usage: 4194304n, max: 6291456n, failcnt: 1n } });
});
