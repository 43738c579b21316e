import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeCgroupFixture } from '../../../../test/helpers/cgroup-fixture.ts';
import { emptyApplyReport } from '../controller.ts';
import { emptyStats } from '../stats.ts';
import { v1Cpuacct } from './cpuacct.ts';

test('cpuacct has nothing to apply and reports usage in nanoseconds', (t) => {
  const fx = makeCgroupFixture();
  t.after(fx.cleanup);
  const dir = fx.dir('cpuacct/c1', {
    'cpuacct.usage': '3000000000\n',
    'cpuacct.usage_percpu': '1000000000 2000000000 \n',
    'cpuacct.stat': 'user 150\nsystem 50\n',
    'cpuacct.usage_all': 'cpu user system\n0 900000000 100000000\n1 1500000000 500000000\n',
  });
  v1Cpuacct.apply({ cpu: { shares: 2 } }, dir, emptyApplyReport());
  assert.deepEqual(fx.writes(), []);
  const s = emptyStats();
  v1Cpuacct.stats!(dir, s);
  assert.deepEqual(s.cpu.usage, {
    total: 3000000000n,
    percpu: [1000000000n, 2000000000n],
    percpu_kernel: [100000000n, 500000000n],
    percpu_user: [900000000n, 1500000000n],
    kernel: 500000000n,
    user: 1500000000n,
  });
});
