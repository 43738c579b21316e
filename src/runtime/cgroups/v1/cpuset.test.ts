import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeCgroupFixture } from '../../../../test/helpers/cgroup-fixture.ts';
import { emptyApplyReport } from '../controller.ts';
import { emptyStats } from '../stats.ts';
import { v1Cpuset } from './cpuset.ts';

test('cpus and mems go to cpuset.cpus and cpuset.mems, mems first', (t) => {
  const fx = makeCgroupFixture();
  t.after(fx.cleanup);
  const dir = fx.dir('cpuset/c1', { 'cpuset.cpus': '0-1\n', 'cpuset.mems': '0\n' });
  v1Cpuset.apply({ cpu: { cpus: '1', mems: '0' } }, dir, emptyApplyReport());
  assert.deepEqual(fx.writes(), [
    { file: 'cpuset/c1/cpuset.mems', value: '0' },
    { file: 'cpuset/c1/cpuset.cpus', value: '1' },
  ]);
});

test('a malformed list is refused before anything is written', (t) => {
  const fx = makeCgroupFixture();
  t.after(fx.cleanup);
  const dir = fx.dir('cpuset/c1');
  assert.throws(() => v1Cpuset.apply({ cpu: { cpus: '3-1', mems: '0' } }, dir, emptyApplyReport()), /linux\.resources\.cpu\.cpus: "3-1" is not a list such as 0-3,8/);
  assert.throws(() => v1Cpuset.apply({ cpu: { mems: 'a' } }, dir, emptyApplyReport()), /linux\.resources\.cpu\.mems/);
  assert.deepEqual(fx.writes(), []);
});

test('stats expand the lists and read the flags', (t) => {
  const fx = makeCgroupFixture();
  t.after(fx.cleanup);
  const dir = fx.dir('cpuset/c1', {
    'cpuset.cpus': '0-2,5\n',
    'cpuset.mems': '0\n',
    'cpuset.cpu_exclusive': '0\n',
    'cpuset.mem_hardwall': '1\n',
    'cpuset.sched_load_balance': '1\n',
    'cpuset.sched_relax_domain_level': '-1\n',
  });
  const s = emptyStats();
  v1Cpuset.stats!(dir, s);
  assert.deepEqual(s.cpuset.cpus, [0, 1, 2, 5]);
  assert.deepEqual(s.cpuset.mems, [0]);
  assert.equal(s.cpuset.mem_hardwall, 1n);
  assert.equal(s.cpuset.sched_load_balance, 1n);
  assert.equal(s.cpuset.sched_relax_domain_level, -1n);
});
