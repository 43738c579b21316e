import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runtimeMessage } from './oci-cli.ts';
import { runtimeName, UnknownRuntimeError, findRuntimeBinary } from './runtime-binaries.ts';

test('runc\'s logrus lines become their message; crun\'s plain text stays', () => {
  assert.equal(runtimeMessage('time="2026-11-23T16:05:40Z" level=error msg="container does not exist"\n'), 'container does not exist');
  assert.equal(runtimeMessage('time="x" level=warning msg="ignored"\ntime="x" level=error msg="exec: \\"x\\": not found"\n'), 'exec: "x": not found');
  assert.equal(runtimeMessage('cgroups in hybrid mode not supported, drop all controllers from cgroupv2\n'), 'cgroups in hybrid mode not supported, drop all controllers from cgroupv2');
  // runc prints the same error twice (logged, then bare)
  assert.equal(runtimeMessage('time="x" level=error msg="boom"\nboom\n'), 'boom');
});

test('--runtime names: berth (also as berth-runtime, and by default), runc, crun; others refused in docker\'s words', () => {
  assert.equal(runtimeName(undefined), 'berth');
  assert.equal(runtimeName('berth-runtime'), 'berth');
  assert.equal(runtimeName('runc'), 'runc');
  assert.equal(runtimeName('crun'), 'crun');
  assert.throws(() => runtimeName('foo'), (e: unknown) => e instanceof UnknownRuntimeError && e.message === 'unknown or invalid runtime name: foo');
});

test('runtime binaries are looked up in PATH only', () => {
  assert.equal(findRuntimeBinary('sh', '/nonexistent:/bin'), '/bin/sh');
  assert.equal(findRuntimeBinary('sh', '/nonexistent'), undefined);
});
