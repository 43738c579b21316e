import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeCgroupFixture, V2_LEAF_FILES } from '../../../../test/helpers/cgroup-fixture.ts';
import { emptyApplyReport } from '../controller.ts';
import { emptyStats } from '../stats.ts';
import { convertSwapToV2, readV2OomKillCount, v2Memory } from './memory.ts';

function setup(files: Record<string, string> = V2_LEAF_FILES) {
  const fx = makeCgroupFixture();
  return { fx, dir: fx.dir('c1', files), report: emptyApplyReport() };
}

test('limit, reservation and swap: memory.max, memory.low, memory.swap.max (swap alone)', (t) => {
  const { fx, dir, report } = setup();
  t.after(fx.cleanup);
  v2Memory.apply({ memory: { limit: 100 << 20, reservation: 50 << 20, swap: 300 << 20 } }, dir, report);
  assert.deepEqual(fx.writes(), [
    { file: 'c1/memory.swap.max', value: String(200 << 20) },
    { file: 'c1/memory.max', value: String(100 << 20) },
    { file: 'c1/memory.low', value: String(50 << 20) },
  ]);
  assert.deepEqual(report.warnings, []);
});

test('-1 is "max"; swap equal to the limit disables swap', (t) => {
  const { fx, dir, report } = setup();
  t.after(fx.cleanup);
  v2Memory.apply({ memory: { limit: -1 } }, dir, report);
  assert.equal(fx.read('c1/memory.max'), 'max');
  assert.equal(fx.read('c1/memory.swap.max'), 'max');
  v2Memory.apply({ memory: { limit: 4096, swap: 4096 } }, dir, report);
  assert.equal(fx.read('c1/memory.swap.max'), '0');
  v2Memory.apply({ memory: { limit: 4096, swap: -1 } }, dir, report);
  assert.equal(fx.read('c1/memory.swap.max'), 'max');
});

test('the swap conversion and its errors', () => {
  assert.equal(convertSwapToV2(undefined, undefined), undefined);
  assert.equal(convertSwapToV2(0, 1024), undefined);
  assert.equal(convertSwapToV2(0, -1), 'max');
  assert.equal(convertSwapToV2(-1, 1024), 'max');
  assert.equal(convertSwapToV2(3072, 1024), '2048');
  assert.throws(() => convertSwapToV2(2048, undefined), /linux\.resources\.memory\.swap: needs memory\.limit/);
  assert.throws(() => convertSwapToV2(2048, -1), /needs memory\.limit/);
  assert.throws(() => convertSwapToV2(1024, 2048), /1024 is below memory\.limit 2048/);
});

test('v1-only fields are warned about and ignored', (t) => {
  const { fx, dir, report } = setup();
  t.after(fx.cleanup);
  v2Memory.apply({ memory: { kernel: 1 << 20, kernelTCP: 1 << 20, swappiness: 10, disableOOMKiller: true, useHierarchy: false } }, dir, report);
  assert.deepEqual(fx.writes(), []);
  assert.deepEqual(report.warnings, [
    'linux.resources.memory.kernel: ignored on cgroup v2 (kernel memory is part of memory.max)',
    'linux.resources.memory.kernelTCP: ignored on cgroup v2 (kernel memory is part of memory.max)',
    'linux.resources.memory.swappiness: ignored on cgroup v2 (there is no per-cgroup swappiness)',
    'linux.resources.memory.disableOOMKiller: ignored on cgroup v2 (the OOM killer cannot be turned off for a cgroup)',
    'linux.resources.memory.useHierarchy: ignored on cgroup v2 (cgroup v2 is always hierarchical)',
  ]);
  // and they alone do not need the memory controller
  assert.equal(v2Memory.isRequested({ memory: { swappiness: 10 } }), false);
  assert.equal(v2Memory.isRequested({ memory: { limit: 10 } }), true);
});

test('checkBeforeUpdate refuses a limit below the current usage', (t) => {
  const { fx, dir, report } = setup({ ...V2_LEAF_FILES, 'memory.current': '8192\n' });
  t.after(fx.cleanup);
  assert.throws(() => v2Memory.apply({ memory: { limit: 4096, checkBeforeUpdate: true } }, dir, report), /linux\.resources\.memory\.limit: 4096 is below the current usage of 8192 bytes/);
  v2Memory.apply({ memory: { limit: 4096 } }, dir, report);
  assert.equal(fx.read('c1/memory.max'), '4096');
});

test('no swap accounting: lifting or disabling swap is fine, a real swap limit is not', (t) => {
  const files = { ...V2_LEAF_FILES };
  delete files['memory.swap.max'];
  const { fx, dir, report } = setup(files);
  t.after(fx.cleanup);
  v2Memory.apply({ memory: { limit: 4096, swap: 4096 } }, dir, report);
  assert.deepEqual(fx.writes(), [{ file: 'c1/memory.max', value: '4096' }]);
  assert.throws(() => v2Memory.apply({ memory: { limit: 4096, swap: 8192 } }, dir, report), /no swap accounting/);
});

test('stats: runc shape, swap reported as memory+swap', (t) => {
  const { fx, dir } = setup({
    'memory.stat': 'anon 8192\nfile 4096\n',
    'memory.current': '12288\n',
    'memory.max': '1048576\n',
    'memory.peak': '20480\n',
    'memory.events': 'low 0\nhigh 0\nmax 4\noom 1\noom_kill 1\n',
    'memory.swap.current': '4096\n',
    'memory.swap.max': 'max\n',
    'memory.pressure': 'some avg10=1.50 avg60=0.25 avg300=0.00 total=12345\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=99\n',
  });
  t.after(fx.cleanup);
  const s = emptyStats();
  v2Memory.stats!(dir, s);
  assert.equal(s.memory.cache, 4096n);
  assert.deepEqual(s.memory.raw, { anon: 8192n, file: 4096n });
  assert.deepEqual(s.memory.usage, { usage: 12288n, limit: 1048576n, max: 20480n, failcnt: 4n });
  assert.deepEqual(s.memory.swap, { usage: 16384n, limit: 0xffffffffffffffffn, max: 0n, failcnt: 0n });
  assert.deepEqual(s.memory.psi, { some: { avg10: 1.5, avg60: 0.25, avg300: 0, total: 12345n }, full: { avg10: 0, avg60: 0, avg300: 0, total: 99n } });
  assert.equal(readV2OomKillCount(dir), 1n);
});
