import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeCgroupFixture } from '../../../../test/helpers/cgroup-fixture.ts';
import { emptyApplyReport } from '../controller.ts';
import { emptyStats } from '../stats.ts';
import { parseBlkioStatFile, v1Blkio } from './blkio.ts';

const ALL = {
  blockIO: {
    weight: 300,
    leafWeight: 200,
    weightDevice: [{ major: 8, minor: 0, weight: 500, leafWeight: 400 }],
    throttleReadBpsDevice: [{ major: 8, minor: 0, rate: 1048576 }],
    throttleWriteBpsDevice: [{ major: 8, minor: 0, rate: 2097152 }],
    throttleReadIOPSDevice: [{ major: 8, minor: 16, rate: 100 }],
    throttleWriteIOPSDevice: [{ major: 8, minor: 16, rate: 0 }],
  },
};

test('CFQ files: weights, leaf weights, per-device weights and every throttle', (t) => {
  const fx = makeCgroupFixture();
  t.after(fx.cleanup);
  const dir = fx.dir('blkio/c1', { 'blkio.weight': '500\n', 'blkio.leaf_weight': '500\n', 'blkio.weight_device': '', 'blkio.leaf_weight_device': '' });
  const report = emptyApplyReport();
  v1Blkio.apply(ALL, dir, report);
  assert.deepEqual(fx.writes(), [
    { file: 'blkio/c1/blkio.weight', value: '300' },
    { file: 'blkio/c1/blkio.leaf_weight', value: '200' },
    { file: 'blkio/c1/blkio.weight_device', value: '8:0 500' },
    { file: 'blkio/c1/blkio.leaf_weight_device', value: '8:0 400' },
    { file: 'blkio/c1/blkio.throttle.read_bps_device', value: '8:0 1048576' },
    { file: 'blkio/c1/blkio.throttle.write_bps_device', value: '8:0 2097152' },
    { file: 'blkio/c1/blkio.throttle.read_iops_device', value: '8:16 100' },
    { file: 'blkio/c1/blkio.throttle.write_iops_device', value: '8:16 0' },
  ]);
  assert.deepEqual(report.warnings, []);
});

test('BFQ files (Linux 5.0+): bfq weights, leaf weights warned about', (t) => {
  const fx = makeCgroupFixture();
  t.after(fx.cleanup);
  const dir = fx.dir('blkio/c1', { 'blkio.bfq.weight': '100\n', 'blkio.bfq.weight_device': 'default 100\n' });
  const report = emptyApplyReport();
  v1Blkio.apply({ blockIO: { weight: 300, leafWeight: 200, weightDevice: [{ major: 254, minor: 0, weight: 500, leafWeight: 10 }] } }, dir, report);
  assert.deepEqual(fx.writes(), [
    { file: 'blkio/c1/blkio.bfq.weight', value: '300' },
    { file: 'blkio/c1/blkio.bfq.weight_device', value: '254:0 500' },
  ]);
  assert.deepEqual(report.warnings, [
    'linux.resources.blockIO.leafWeight: ignored, this kernel has no blkio.leaf_weight (leaf weights went with CFQ in Linux 5.0)',
    'linux.resources.blockIO.weightDevice[0].leafWeight: ignored, this kernel has no blkio.leaf_weight_device',
  ]);
});

test('weights outside 10..1000 and bad device numbers are refused', (t) => {
  const fx = makeCgroupFixture();
  t.after(fx.cleanup);
  const dir = fx.dir('blkio/c1');
  const r = emptyApplyReport();
  assert.throws(() => v1Blkio.apply({ blockIO: { weight: 5 } }, dir, r), /linux\.resources\.blockIO\.weight: 5 is below the minimum 10 \(expected 10 to 1000\)/);
  assert.throws(() => v1Blkio.apply({ blockIO: { weightDevice: [{ major: 8, minor: 0, weight: 1001 }] } }, dir, r), /weightDevice\[0\]\.weight: 1001 is above the maximum 1000/);
  assert.throws(() => v1Blkio.apply({ blockIO: { throttleReadBpsDevice: [{ major: -1, minor: 0, rate: 1 }] } }, dir, r), /throttleReadBpsDevice\[0\]\.major: -1 is below the minimum 0/);
  assert.throws(() => v1Blkio.apply({ blockIO: { throttleWriteIOPSDevice: [{ major: 8, minor: 0, rate: -3 }] } }, dir, r), /throttleWriteIOPSDevice\[0\]\.rate/);
  assert.deepEqual(fx.writes(), []);
});

test('stat files parse with and without an op; the Total line is skipped', () => {
  assert.deepEqual(parseBlkioStatFile('8:0 Read 4096\n8:0 Write 0\n8:0 Total 4096\nTotal 4096\n', 'f'), [
    { major: 8n, minor: 0n, op: 'Read', value: 4096n },
    { major: 8n, minor: 0n, op: 'Write', value: 0n },
    { major: 8n, minor: 0n, op: 'Total', value: 4096n },
  ]);
  assert.deepEqual(parseBlkioStatFile('8:0 77\n', 'f'), [{ major: 8n, minor: 0n, op: '', value: 77n }]);
});

test('stats take the first group with data (throttle counters when BFQ is idle)', (t) => {
  const fx = makeCgroupFixture();
  t.after(fx.cleanup);
  const dir = fx.dir('blkio/c1', {
    'blkio.bfq.io_serviced_recursive': 'Total 0\n',
    'blkio.bfq.io_service_bytes_recursive': 'Total 0\n',
    'blkio.throttle.io_serviced_recursive': '254:0 Read 2\n254:0 Write 1\nTotal 3\n',
    'blkio.throttle.io_service_bytes_recursive': '254:0 Read 8192\n254:0 Write 4096\nTotal 12288\n',
  });
  const s = emptyStats();
  v1Blkio.stats!(dir, s);
  assert.deepEqual(s.blkio.ioServicedRecursive, [
    { major: 254n, minor: 0n, op: 'Read', value: 2n },
    { major: 254n, minor: 0n, op: 'Write', value: 1n },
  ]);
  assert.equal(s.blkio.ioServiceBytesRecursive.length, 2);
});

test('a weight on a kernel with neither CFQ nor BFQ is a clear error', (t) => {
  const fx = makeCgroupFixture();
  t.after(fx.cleanup);
  const dir = fx.dir('blkio/c1', { 'blkio.throttle.read_bps_device': '' });
  assert.throws(() => v1Blkio.apply({ blockIO: { weight: 500 } }, dir, emptyApplyReport()), /linux\.resources\.blockIO\.weight: this kernel has no proportional io control/);
});
