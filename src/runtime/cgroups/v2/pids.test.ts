import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeCgroupFixture, V2_LEAF_FILES } from '../../../../test/helpers/cgroup-fixture.ts';
import { emptyApplyReport } from '../controller.ts';
import { emptyStats } from '../stats.ts';
import { v2Pids } from './pids.ts';

test('pids.max, and stats with or without the controller', (t) => {
  const fx = makeCgroupFixture();
  t.after(fx.cleanup);
  const dir = fx.dir('c1', V2_LEAF_FILES);
  v2Pids.apply({ pids: { limit: 100 } }, dir, emptyApplyReport());
  assert.equal(fx.read('c1/pids.max'), '100');
  v2Pids.apply({ pids: { limit: -1 } }, dir, emptyApplyReport());
  assert.equal(fx.read('c1/pids.max'), 'max');
  const s = emptyStats();
  v2Pids.stats!(fx.dir('c2', { 'pids.current': '4\n', 'pids.max': '100\n' }), s);
  assert.deepEqual(s.pids, { current: 4n, limit: 100n });
  // controller not enabled: counted from cgroup.procs, no limit (runc does this too)
  const s2 = emptyStats();
  v2Pids.stats!(fx.dir('c3', { 'cgroup.procs': '12\n13\n' }), s2);
  assert.deepEqual(s2.pids, { current: 2n, limit: 0n });
});
