import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeCgroupFixture, V2_LEAF_FILES } from '../../../../test/helpers/cgroup-fixture.ts';
import { emptyApplyReport } from '../controller.ts';
import { emptyStats } from '../stats.ts';
import { convertBlkioWeightToIoWeight, v2Io } from './io.ts';

const THROTTLES = {
  throttleReadBpsDevice: [{ major: 8, minor: 0, rate: 1048576 }],
  throttleWriteBpsDevice: [{ major: 8, minor: 0, rate: 0 }],
  throttleReadIOPSDevice: [{ major: 8, minor: 16, rate: 100 }],
  throttleWriteIOPSDevice: [{ major: 8, minor: 16, rate: 200 }],
};

test('without BFQ: io.weight (converted), device overrides in io.weight, io.max lines', (t) => {
  const fx = makeCgroupFixture();
  t.after(fx.cleanup);
  const dir = fx.dir('c1', V2_LEAF_FILES);
  const report = emptyApplyReport();
  v2Io.apply({ blockIO: { weight: 500, weightDevice: [{ major: 8, minor: 0, weight: 1000 }], ...THROTTLES } }, dir, report);
  assert.deepEqual(fx.writes(), [
    { file: 'c1/io.weight', value: '4950' },
    { file: 'c1/io.weight', value: '8:0 10000' },
    { file: 'c1/io.max', value: '8:0 rbps=1048576' },
    { file: 'c1/io.max', value: '8:0 wbps=max' },
    { file: 'c1/io.max', value: '8:16 riops=100' },
    { file: 'c1/io.max', value: '8:16 wiops=200' },
  ]);
  assert.deepEqual(report.warnings, []);
});

test('with BFQ: io.bfq.weight takes the blkio scale unchanged, per device on 5.4+', (t) => {
  const fx = makeCgroupFixture();
  t.after(fx.cleanup);
  const dir = fx.dir('c1', { ...V2_LEAF_FILES, 'io.bfq.weight': 'default 100\n' });
  v2Io.apply({ blockIO: { weight: 500, weightDevice: [{ major: 8, minor: 0, weight: 700 }] } }, dir, emptyApplyReport());
  assert.deepEqual(fx.writes(), [
    { file: 'c1/io.bfq.weight', value: '500' },
    { file: 'c1/io.bfq.weight', value: '8:0 700' },
  ]);
});

test('leaf weights are v1-only: warned about and ignored', (t) => {
  const fx = makeCgroupFixture();
  t.after(fx.cleanup);
  const dir = fx.dir('c1', V2_LEAF_FILES);
  const report = emptyApplyReport();
  v2Io.apply({ blockIO: { leafWeight: 300, weightDevice: [{ major: 8, minor: 0, leafWeight: 200 }] } }, dir, report);
  assert.deepEqual(fx.writes(), []);
  assert.deepEqual(report.warnings, [
    'linux.resources.blockIO.leafWeight: ignored on cgroup v2 (leaf weights were a CFQ feature)',
    'linux.resources.blockIO.weightDevice[0].leafWeight: ignored on cgroup v2 (leaf weights were a CFQ feature)',
  ]);
  assert.equal(v2Io.isRequested({ blockIO: { leafWeight: 300 } }), false);
});

test('the blkio -> io weight conversion', () => {
  assert.equal(convertBlkioWeightToIoWeight(10), 1);
  assert.equal(convertBlkioWeightToIoWeight(100), 910);
  assert.equal(convertBlkioWeightToIoWeight(500), 4950);
  assert.equal(convertBlkioWeightToIoWeight(1000), 10000);
});

test('stats from io.stat in runc\'s v1 shape', (t) => {
  const fx = makeCgroupFixture();
  t.after(fx.cleanup);
  const dir = fx.dir('c1', { 'io.stat': '254:0 rbytes=4096 wbytes=8192 rios=1 wios=2 dbytes=0 dios=0\n' });
  const s = emptyStats();
  v2Io.stats!(dir, s);
  assert.deepEqual(s.blkio.ioServiceBytesRecursive, [
    { major: 254n, minor: 0n, op: 'Read', value: 4096n },
    { major: 254n, minor: 0n, op: 'Write', value: 8192n },
  ]);
  assert.deepEqual(s.blkio.ioServicedRecursive, [
    { major: 254n, minor: 0n, op: 'Read', value: 1n },
    { major: 254n, minor: 0n, op: 'Write', value: 2n },
  ]);
});

test('a weight on a kernel without BFQ or iocost is a clear error', (t) => {
  const fx = makeCgroupFixture();
  t.after(fx.cleanup);
  const files = { ...V2_LEAF_FILES };
  delete files['io.weight'];
  const dir = fx.dir('c1', files);
  assert.throws(() => v2Io.apply({ blockIO: { weight: 500 } }, dir, emptyApplyReport()), /linux\.resources\.blockIO\.weight: this kernel has no proportional io control/);
  assert.deepEqual(fx.writes(), []);
});
