import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InvalidConfigError } from '../../../lib/errors.ts';
import { makeCgroupFixture, V2_LEAF_FILES } from '../../../../test/helpers/cgroup-fixture.ts';
import { emptyApplyReport } from '../controller.ts';
import type { LinuxResources } from '../../../oci/runtime-spec.ts';
import { createUnifiedController } from './unified.ts';

function setup(files: Record<string, string> = V2_LEAF_FILES) {
  const fx = makeCgroupFixture();
  return { fx, dir: fx.dir('c1', files) };
}

const unified = createUnifiedController();

function refuses(r: LinuxResources, dir: string, re: RegExp, key?: string): void {
  assert.throws(
    () => unified.apply(r, dir, emptyApplyReport()),
    (e: unknown) => e instanceof InvalidConfigError && re.test(e.message) && (key === undefined || e.field === `linux.resources.unified["${key}"]`),
  );
}

test('keys are written as given, after checking all of them', (t) => {
  const { fx, dir } = setup();
  t.after(fx.cleanup);
  unified.apply({ unified: { 'memory.high': '1G', 'cgroup.max.descendants': '10', 'pids.max': '20' } }, dir, emptyApplyReport());
  assert.deepEqual(fx.writes(), [
    { file: 'c1/memory.high', value: '1G' },
    { file: 'c1/cgroup.max.descendants', value: '10' },
    { file: 'c1/pids.max', value: '20' },
  ]);
});

test('keys that leave the directory or are not one file name are refused', (t) => {
  const { fx, dir } = setup();
  t.after(fx.cleanup);
  for (const key of ['../memory.max', 'c2/memory.max', '/etc/passwd', '.memory.max', 'memory..max', 'memory', 'memory.max\n', 'MEMORY.max', '']) {
    refuses({ unified: { [key]: '1' } }, dir, /is not a cgroup v2 interface file name/, key);
  }
  assert.deepEqual(fx.writes(), []);
});

test('cgroup.* files berth manages, and read-only ones, are refused', (t) => {
  const { fx, dir } = setup();
  t.after(fx.cleanup);
  for (const key of ['cgroup.procs', 'cgroup.threads', 'cgroup.subtree_control', 'cgroup.type', 'cgroup.freeze', 'cgroup.kill']) {
    refuses({ unified: { [key]: '1' } }, dir, /is managed by berth itself/, key);
  }
  refuses({ unified: { 'cgroup.events': '1' } }, dir, /is read-only/);
  refuses({ unified: { 'cgroup.nonsense': '1' } }, dir, /is not a cgroup v2 interface file$/);
  assert.deepEqual(fx.writes(), []);
});

test('a controller not enabled for the cgroup, or a file it does not have, is refused', (t) => {
  const { fx, dir } = setup({ ...V2_LEAF_FILES, 'cgroup.controllers': 'cpu memory pids\n' });
  t.after(fx.cleanup);
  refuses({ unified: { 'io.latency': '8:0 target=10' } }, dir, /the io controller is not enabled for this cgroup \(cgroup\.controllers: "cpu memory pids"\)/);
  refuses({ unified: { 'memory.nonsense': '1' } }, dir, /is not a file of the memory controller on this kernel/);
});

test('on a hybrid host, controllers that live in v1 are refused', (t) => {
  const { fx, dir } = setup();
  t.after(fx.cleanup);
  const hybrid = createUnifiedController(['memory', 'cpu', 'cpuacct']);
  assert.throws(() => hybrid.apply({ unified: { 'memory.high': '1G' } }, dir, emptyApplyReport()), /the memory controller is mounted as cgroup v1 on this host/);
  hybrid.apply({ unified: { 'hugetlb.2MB.max': '0' } }, dir, emptyApplyReport());
  assert.deepEqual(fx.writes(), [{ file: 'c1/hugetlb.2MB.max', value: '0' }]);
});

test('a value that contradicts a structured field is refused; an equal one is fine', (t) => {
  const { fx, dir } = setup();
  t.after(fx.cleanup);
  refuses({ memory: { limit: 2147483648 }, unified: { 'memory.max': '1G' } }, dir, /"1G" conflicts with linux\.resources\.memory\.limit, which sets memory\.max to "2147483648"/, 'memory.max');
  refuses({ cpu: { shares: 1024 }, unified: { 'cpu.weight': '50' } }, dir, /conflicts with linux\.resources\.cpu\.shares, which sets cpu\.weight to "100"/);
  refuses({ pids: { limit: 5 }, unified: { 'pids.max': 'max' } }, dir, /conflicts with linux\.resources\.pids\.limit/);
  refuses({ memory: { limit: 1024, swap: 2048 }, unified: { 'memory.swap.max': '0' } }, dir, /conflicts with linux\.resources\.memory\.swap, which sets memory\.swap\.max to "1024"/);
  refuses({ cpu: { quota: 1000 }, unified: { 'cpu.max': '2000 100000' } }, dir, /sets the same file as linux\.resources\.cpu\.quota\/period: set one of them, not both/);
  refuses({ blockIO: { throttleReadBpsDevice: [{ major: 8, minor: 0, rate: 1 }] }, unified: { 'io.max': '8:0 rbps=1' } }, dir, /linux\.resources\.blockIO throttle devices/);
  refuses({ hugepageLimits: [{ pageSize: '2MB', limit: 0 }], unified: { 'hugetlb.2MB.max': '2M' } }, dir, /conflicts with linux\.resources\.hugepageLimits/);
  assert.deepEqual(fx.writes(), []);
  // same value in another spelling is not a conflict
  unified.apply({ memory: { limit: 1073741824 }, unified: { 'memory.max': '1G' } }, dir, emptyApplyReport());
  unified.apply({ memory: { limit: -1 }, unified: { 'memory.max': 'max' } }, dir, emptyApplyReport());
  assert.equal(fx.writes().length, 2);
});

test('values must be strings', (t) => {
  const { fx, dir } = setup();
  t.after(fx.cleanup);
  refuses({ unified: { 'pids.max': 5 as unknown as string } }, dir, /the value must be a string, not 5/);
});
