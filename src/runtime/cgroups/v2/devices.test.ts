import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeCgroupFixture, V2_LEAF_FILES } from '../../../../test/helpers/cgroup-fixture.ts';
import { emptyApplyReport } from '../controller.ts';
import { emulateDeviceProgram } from './bpf-emulator.ts';
import { v2Devices } from './devices.ts';

test('v2 devices write no file and hand the helper a program for the cgroup', (t) => {
  const fx = makeCgroupFixture();
  t.after(fx.cleanup);
  const dir = fx.dir('c1', V2_LEAF_FILES);
  const report = emptyApplyReport();
  v2Devices.apply({ devices: [{ allow: false, access: 'rwm' }, { allow: true, type: 'c', major: 1, minor: 3, access: 'rw' }] }, dir, report);
  assert.deepEqual(fx.writes(), []);
  assert.equal(report.native.length, 1);
  const step = report.native[0]!;
  assert.equal(step.kind, 'bpf-devices');
  assert.equal(step.dir, dir);
  assert.equal(step.license, 'Apache');
  assert.equal(emulateDeviceProgram(step.program, { type: 'c', major: 1, minor: 3, access: 'rw' }), true);
  assert.equal(emulateDeviceProgram(step.program, { type: 'c', major: 1, minor: 3, access: 'm' }), false);
  // no devices field: no program (an update that leaves devices alone)
  const none = emptyApplyReport();
  v2Devices.apply({ pids: { limit: 1 } }, dir, none);
  assert.deepEqual(none.native, []);
  assert.equal(v2Devices.core, true);
});
