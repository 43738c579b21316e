import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeCgroupFixture } from '../../../../test/helpers/cgroup-fixture.ts';
import { emptyApplyReport } from '../controller.ts';
import { v1NetCls } from './net-cls.ts';
import { v1NetPrio } from './net-prio.ts';

test('classID goes to net_cls.classid', (t) => {
  const fx = makeCgroupFixture();
  t.after(fx.cleanup);
  const dir = fx.dir('net_cls/c1', { 'net_cls.classid': '0\n' });
  v1NetCls.apply({ network: { classID: 0x100001 } }, dir, emptyApplyReport());
  assert.equal(fx.read('net_cls/c1/net_cls.classid'), '1048577');
  assert.throws(() => v1NetCls.apply({ network: { classID: 2 ** 32 } }, dir, emptyApplyReport()), /linux\.resources\.network\.classID: 4294967296 is above the maximum 4294967295/);
  assert.equal(v1NetCls.isRequested({ network: { priorities: [] } }), false);
});

test('priorities: one "<interface> <priority>" write each', (t) => {
  const fx = makeCgroupFixture();
  t.after(fx.cleanup);
  const dir = fx.dir('net_prio/c1', { 'net_prio.ifpriomap': 'lo 0\n' });
  v1NetPrio.apply({ network: { priorities: [{ name: 'eth0', priority: 5 }, { name: 'lo', priority: 2 }] } }, dir, emptyApplyReport());
  assert.deepEqual(fx.writes(), [
    { file: 'net_prio/c1/net_prio.ifpriomap', value: 'eth0 5' },
    { file: 'net_prio/c1/net_prio.ifpriomap', value: 'lo 2' },
  ]);
  assert.throws(() => v1NetPrio.apply({ network: { priorities: [{ name: 'eth0 1\nlo', priority: 5 }] } }, dir, emptyApplyReport()), /priorities\[0\]\.name: .* is not a network interface name/);
  assert.throws(() => v1NetPrio.apply({ network: { priorities: [{ name: 'eth0', priority: -1 }] } }, dir, emptyApplyReport()), /priorities\[0\]\.priority/);
});
