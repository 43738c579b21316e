import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ARCHES } from './arch.ts';
import { SECCOMP_RET_ALLOW, SECCOMP_RET_ERRNO, SECCOMP_RET_KILL_PROCESS, SECCOMP_RET_LOG, SECCOMP_RET_TRACE, SECCOMP_RET_USER_NOTIF } from './actions.ts';
import { ENOSYS_RET, enosysRanges } from './enosys-stub.ts';

const EPERM_RET = (SECCOMP_RET_ERRNO | 1) >>> 0;

test('everything above the highest number named', () => {
  assert.deepEqual(enosysRanges(ARCHES.x86_64, [0, 57, 435], EPERM_RET, true), [[436, 0xffffffff]]);
  assert.deepEqual(enosysRanges(ARCHES.aarch64, [63], SECCOMP_RET_KILL_PROCESS, true), [[64, 0xffffffff]]);
});

test('x32: from its base, and the gap below its legacy range', () => {
  const bit = 0x40000000;
  assert.deepEqual(enosysRanges(ARCHES.x32, [0, 257, 515], EPERM_RET, true), [
    [bit + 258, bit + 511],
    [bit + 516, 0xffffffff],
  ]);
  assert.deepEqual(enosysRanges(ARCHES.x32, [0, 257], EPERM_RET, true), [[bit + 258, 0xffffffff]]);
});

test("arm's private syscalls do not raise the bar", () => {
  assert.deepEqual(enosysRanges(ARCHES.arm, [3, 0xf0002], EPERM_RET, true), [[4, 0xffffffff]]);
  assert.deepEqual(enosysRanges(ARCHES.arm, [0xf0002], EPERM_RET, true), []);
});

test('no stub when off, when nothing is named, or when the default lets syscalls through', () => {
  assert.deepEqual(enosysRanges(ARCHES.x86_64, [1], EPERM_RET, false), []);
  assert.deepEqual(enosysRanges(ARCHES.x86_64, [], EPERM_RET, true), []);
  for (const d of [SECCOMP_RET_ALLOW, SECCOMP_RET_LOG, SECCOMP_RET_TRACE | 1, SECCOMP_RET_USER_NOTIF, ENOSYS_RET]) {
    assert.deepEqual(enosysRanges(ARCHES.x86_64, [1], d >>> 0, true), [], `default 0x${d.toString(16)}`);
  }
});
