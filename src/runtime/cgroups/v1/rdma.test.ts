import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeCgroupFixture } from '../../../../test/helpers/cgroup-fixture.ts';
import { emptyApplyReport } from '../controller.ts';
import { v1Rdma } from './rdma.ts';

test('rdma.max gets one line per device with the fields given', (t) => {
  const fx = makeCgroupFixture();
  t.after(fx.cleanup);
  const dir = fx.dir('rdma/c1', { 'rdma.max': '' });
  v1Rdma.apply({ rdma: { mlx5_0: { hcaHandles: 3, hcaObjects: 10000 }, mlx4_1: { hcaObjects: 7 }, none: {} } }, dir, emptyApplyReport());
  assert.deepEqual(fx.writes(), [
    { file: 'rdma/c1/rdma.max', value: 'mlx5_0 hca_handle=3 hca_object=10000' },
    { file: 'rdma/c1/rdma.max', value: 'mlx4_1 hca_object=7' },
  ]);
  assert.throws(() => v1Rdma.apply({ rdma: { 'mlx5 0': { hcaHandles: 1 } } }, dir, emptyApplyReport()), /linux\.resources\.rdma\["mlx5 0"\]: is not an rdma device name/);
  assert.throws(() => v1Rdma.apply({ rdma: { mlx5_0: { hcaHandles: -1 } } }, dir, emptyApplyReport()), /hcaHandles: -1 is below the minimum 0/);
});
