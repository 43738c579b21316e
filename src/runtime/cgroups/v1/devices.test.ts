import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeCgroupFixture } from '../../../../test/helpers/cgroup-fixture.ts';
import { emptyApplyReport } from '../controller.ts';
import { v1Devices } from './devices.ts';

const DOCKER_LIKE = [
  { allow: false, access: 'rwm' },
  { allow: true, type: 'c', major: 1, minor: 3, access: 'rwm' },
  { allow: true, type: 'c', major: 136, access: 'rw' },
  { allow: true, type: 'b', major: 8, minor: 0, access: 'r' },
];

test('deny-by-default: "a" to devices.deny first, then one allow per exception', (t) => {
  const fx = makeCgroupFixture();
  t.after(fx.cleanup);
  const dir = fx.dir('devices/c1', { 'devices.allow': '', 'devices.deny': '', 'devices.list': 'a *:* rwm\n' });
  v1Devices.apply({ devices: DOCKER_LIKE }, dir, emptyApplyReport());
  assert.deepEqual(fx.writes(), [
    { file: 'devices/c1/devices.deny', value: 'a' },
    { file: 'devices/c1/devices.allow', value: 'c 1:3 rwm' },
    { file: 'devices/c1/devices.allow', value: 'c 136:* rw' },
    { file: 'devices/c1/devices.allow', value: 'b 8:0 r' },
  ]);
});

test('later rules override earlier ones before anything is written', (t) => {
  const fx = makeCgroupFixture();
  t.after(fx.cleanup);
  const dir = fx.dir('devices/c1', { 'devices.list': 'a *:* rwm\n' });
  v1Devices.apply(
    {
      devices: [
        { allow: false, access: 'rwm' },
        { allow: true, type: 'c', major: 1, minor: 3, access: 'rwm' },
        { allow: false, type: 'c', major: 1, minor: 3, access: 'w' }, // takes w back
        { allow: true, type: 'c', major: 5, minor: 0, access: 'rw' },
        { allow: true, type: 'c', major: 5, minor: 0, access: 'm' }, // merges into rwm
      ],
    },
    dir,
    emptyApplyReport(),
  );
  assert.deepEqual(fx.writes().map((w) => w.value), ['a', 'c 1:3 rm', 'c 5:0 rwm']);
});

test('allow-by-default with denials: "a" to devices.allow, then the denials', (t) => {
  const fx = makeCgroupFixture();
  t.after(fx.cleanup);
  const dir = fx.dir('devices/c1', { 'devices.list': 'c 1:3 rwm\n' });
  v1Devices.apply({ devices: [{ allow: true, access: 'rwm' }, { allow: false, type: 'b', major: 8, access: 'w' }] }, dir, emptyApplyReport());
  assert.deepEqual(fx.writes(), [
    { file: 'devices/c1/devices.allow', value: 'a' },
    { file: 'devices/c1/devices.deny', value: 'b 8:* w' },
  ]);
});

test('nothing is written when devices.list already shows the result (an update)', (t) => {
  const fx = makeCgroupFixture();
  t.after(fx.cleanup);
  const dir = fx.dir('devices/c1', { 'devices.list': 'b 8:0 r\nc 1:3 rwm\nc 136:* rw\n' });
  v1Devices.apply({ devices: DOCKER_LIKE }, dir, emptyApplyReport());
  assert.deepEqual(fx.writes(), []);
  // no devices field: devices are left alone
  v1Devices.apply({}, dir, emptyApplyReport());
  assert.deepEqual(fx.writes(), []);
});

test('bad rules name the rule', (t) => {
  const fx = makeCgroupFixture();
  t.after(fx.cleanup);
  const dir = fx.dir('devices/c1');
  assert.throws(() => v1Devices.apply({ devices: [{ allow: true, type: 'x', access: 'r' }] }, dir, emptyApplyReport()), /linux\.resources\.devices\[0\]\.type: "x" is not a device type: expected a, b or c/);
  assert.throws(() => v1Devices.apply({ devices: [{ allow: true, type: 'c', access: '' }] }, dir, emptyApplyReport()), /devices\[0\]\.access/);
  assert.throws(() => v1Devices.apply({ devices: [{ allow: true, type: 'c', access: 'rx' }] }, dir, emptyApplyReport()), /"rx" is not a device access/);
  assert.throws(() => v1Devices.apply({ devices: [{ allow: true, type: 'c', major: 1.5, access: 'r' }] }, dir, emptyApplyReport()), /devices\[0\]\.major: 1\.5 is not an integer/);
  assert.deepEqual(fx.writes(), []);
});
