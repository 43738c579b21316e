import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeCgroupFixture, V2_LEAF_FILES } from '../../../../test/helpers/cgroup-fixture.ts';
import { emptyApplyReport } from '../controller.ts';
import { v2Rdma } from './rdma.ts';

test('rdma.max lines', (t) => {
  const fx = makeCgroupFixture();
  t.after(fx.cleanup);
  const dir = fx.dir('c1', V2_LEAF_FILES);
  v2Rdma.apply({ rdma: { mlx5_0: { hcaHandles: 2, hcaObjects: 2000 } } }, dir, emptyApplyReport());
  assert.deepEqual(fx.writes(), [{ file: 'c1/rdma.max', value: 'mlx5_0 hca_handle=2 hca_object=2000' }]);
});
