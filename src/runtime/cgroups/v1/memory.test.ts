import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InvalidConfigError } from '../../../lib/errors.ts';
import { makeCgroupFixture, V1_MEMORY_FILES } from '../../../../test/helpers/cgroup-fixture.ts';
import { emptyApplyReport } from '../controller.ts';
import { emptyStats } from '../stats.ts';
import { readV1OomKillCount, v1Memory } from './memory.ts';

function setup(files: Record<string, string> = V1_MEMORY_FILES) {
  const fx = makeCgroupFixture();
  const dir = fx.dir('memory/c1', files);
  return { fx, dir, report: emptyApplyReport() };
}

test('limit alone goes to memory.limit_in_bytes', (t) => {
  const { fx, dir, report } = setup();
  t.after(fx.cleanup);
  v1Memory.apply({ memory: { limit: 1048576 } }, dir, report);
  assert.deepEqual(fx.writes(), [{ file: 'memory/c1/memory.limit_in_bytes', value: '1048576' }]);
  assert.equal(fx.read('memory/c1/memory.limit_in_bytes'), '1048576');
  assert.deepEqual(report.warnings, []);
});

test('limit and swap shrinking from unlimited: memory first, then memory+swap', (t) => {
  const { fx, dir, report } = setup();
  t.after(fx.cleanup);
  v1Memory.apply({ memory: { limit: 100 << 20, swap: 200 << 20 } }, dir, report);
  assert.deepEqual(fx.writes().map((w) => w.file.split('/').pop()), ['memory.limit_in_bytes', 'memory.memsw.limit_in_bytes']);
  assert.equal(fx.read('memory/c1/memory.limit_in_bytes'), String(100 << 20));
  assert.equal(fx.read('memory/c1/memory.memsw.limit_in_bytes'), String(200 << 20));
});

test('limit and swap growing past the current limit: memory+swap first', (t) => {
  const { fx, dir, report } = setup({ ...V1_MEMORY_FILES, 'memory.limit_in_bytes': '1048576\n', 'memory.memsw.limit_in_bytes': '2097152\n' });
  t.after(fx.cleanup);
  v1Memory.apply({ memory: { limit: 8388608, swap: 16777216 } }, dir, report);
  assert.deepEqual(fx.writes(), [
    { file: 'memory/c1/memory.memsw.limit_in_bytes', value: '16777216' },
    { file: 'memory/c1/memory.limit_in_bytes', value: '8388608' },
  ]);
});

test('an unlimited limit lifts swap too, swap first', (t) => {
  const { fx, dir, report } = setup({ ...V1_MEMORY_FILES, 'memory.limit_in_bytes': '1048576\n' });
  t.after(fx.cleanup);
  v1Memory.apply({ memory: { limit: -1 } }, dir, report);
  assert.deepEqual(fx.writes(), [
    { file: 'memory/c1/memory.memsw.limit_in_bytes', value: '-1' },
    { file: 'memory/c1/memory.limit_in_bytes', value: '-1' },
  ]);
});

test('reservation, swappiness, disableOOMKiller', (t) => {
  const { fx, dir, report } = setup();
  t.after(fx.cleanup);
  v1Memory.apply({ memory: { reservation: 524288, swappiness: 0, disableOOMKiller: true } }, dir, report);
  assert.equal(fx.read('memory/c1/memory.soft_limit_in_bytes'), '524288');
  assert.equal(fx.read('memory/c1/memory.swappiness'), '0');
  assert.equal(fx.read('memory/c1/memory.oom_control'), '1');
  assert.deepEqual(report.warnings, []);
});

test('kernel and kernelTCP limits are written where the files exist', (t) => {
  const { fx, dir, report } = setup();
  t.after(fx.cleanup);
  v1Memory.apply({ memory: { kernel: 8192, kernelTCP: 4096 } }, dir, report);
  assert.equal(fx.read('memory/c1/memory.kmem.limit_in_bytes'), '8192');
  assert.equal(fx.read('memory/c1/memory.kmem.tcp.limit_in_bytes'), '4096');
  assert.deepEqual(report.warnings, []);
});

test('kernel limits on a kernel without the files are warnings', (t) => {
  const files = { ...V1_MEMORY_FILES };
  delete files['memory.kmem.limit_in_bytes'];
  delete files['memory.kmem.tcp.limit_in_bytes'];
  const { fx, dir, report } = setup(files);
  t.after(fx.cleanup);
  v1Memory.apply({ memory: { kernel: 8192, kernelTCP: 4096 } }, dir, report);
  assert.deepEqual(report.warnings, [
    'linux.resources.memory.kernel: ignored, this kernel has no memory.kmem.limit_in_bytes',
    'linux.resources.memory.kernelTCP: ignored, this kernel has no memory.kmem.tcp.limit_in_bytes',
  ]);
  assert.deepEqual(fx.writes(), []);
});

test('useHierarchy is written only when it differs', (t) => {
  const { fx, dir, report } = setup();
  t.after(fx.cleanup);
  v1Memory.apply({ memory: { useHierarchy: true } }, dir, report);
  assert.deepEqual(fx.writes(), []);
});

test('bad values name the field and write nothing', (t) => {
  const { fx, dir, report } = setup();
  t.after(fx.cleanup);
  assert.throws(() => v1Memory.apply({ memory: { swappiness: 101 } }, dir, report), (e: unknown) => e instanceof InvalidConfigError && e.field === 'linux.resources.memory.swappiness' && /101 is above the maximum 100/.test(e.message));
  assert.throws(() => v1Memory.apply({ memory: { limit: 1.5 } }, dir, report), /linux\.resources\.memory\.limit: 1\.5 is not an integer/);
  assert.throws(() => v1Memory.apply({ memory: { limit: -2 } }, dir, report), /linux\.resources\.memory\.limit: -2 is below the minimum -1/);
  assert.throws(() => v1Memory.apply({ memory: { limit: 2048, swap: 1024 } }, dir, report), /linux\.resources\.memory\.swap: 1024 is below memory\.limit 2048/);
  assert.deepEqual(fx.writes(), []);
});

test('swap without swap accounting is an error naming the kernel option', (t) => {
  const files = { ...V1_MEMORY_FILES };
  delete files['memory.memsw.limit_in_bytes'];
  const { fx, dir, report } = setup(files);
  t.after(fx.cleanup);
  assert.throws(() => v1Memory.apply({ memory: { swap: 4096 } }, dir, report), /swapaccount=1/);
  // unlimited needs no swap accounting
  v1Memory.apply({ memory: { limit: -1 } }, dir, report);
  assert.deepEqual(fx.writes(), [{ file: 'memory/c1/memory.limit_in_bytes', value: '-1' }]);
});

test('isRequested sees any memory field', () => {
  assert.equal(v1Memory.isRequested({}), false);
  assert.equal(v1Memory.isRequested({ memory: {} }), false);
  assert.equal(v1Memory.isRequested({ memory: { swappiness: 0 } }), true);
});

test('stats read usage, memsw, kmem and memory.stat like runc', (t) => {
  const fx = makeCgroupFixture();
  t.after(fx.cleanup);
  const dir = fx.dir('memory/c1', {
    'memory.stat': 'cache 4096\nrss 8192\ntotal_cache 4096\n',
    'memory.usage_in_bytes': '12288\n',
    'memory.max_usage_in_bytes': '16384\n',
    'memory.failcnt': '2\n',
    'memory.limit_in_bytes': '9223372036854771712\n',
    'memory.memsw.usage_in_bytes': '12288\n',
    'memory.memsw.max_usage_in_bytes': '16384\n',
    'memory.memsw.failcnt': '0\n',
    'memory.memsw.limit_in_bytes': '9223372036854771712\n',
  });
  const s = emptyStats();
  v1Memory.stats!(dir, s);
  assert.equal(s.memory.cache, 4096n);
  assert.deepEqual(s.memory.raw, { cache: 4096n, rss: 8192n, total_cache: 4096n });
  assert.deepEqual(s.memory.usage, { usage: 12288n, max: 16384n, failcnt: 2n, limit: 9223372036854771712n });
  assert.deepEqual(s.memory.swap, { usage: 12288n, max: 16384n, failcnt: 0n, limit: 9223372036854771712n });
  assert.deepEqual(s.memory.kernel, { usage: 0n, max: 0n, failcnt: 0n, limit: 0n });
});

test('oom_kill count comes from memory.oom_control', (t) => {
  const fx = makeCgroupFixture();
  t.after(fx.cleanup);
  const dir = fx.dir('memory/c1', { 'memory.oom_control': 'oom_kill_disable 0\nunder_oom 0\noom_kill 3\n' });
  assert.equal(readV1OomKillCount(dir), 3n);
  assert.equal(readV1OomKillCount(fx.dir('memory/none')), 0n);
});
