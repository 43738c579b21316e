import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { LinuxDeviceCgroup } from '../../../oci/runtime-spec.ts';
import { effectiveDeviceState, isDeviceAccessAllowed, WILDCARD, type DeviceType } from '../device-rules.ts';
import { DEFAULT_DEVICE_RULES } from '../container-device-rules.ts';
import { decodeInsns } from './bpf-instructions.ts';
import { emulateDeviceProgram } from './bpf-emulator.ts';
import { compileDeviceProgram } from './device-program.ts';

const hex = (bytes: Uint8Array): string[] => {
  const out: string[] = [];
  for (let i = 0; i < bytes.length; i += 8) out.push(Buffer.from(bytes.subarray(i, i + 8)).toString('hex'));
  return out;
};

test('instruction by instruction: deny all, allow c 1:3 rwm and c 136:* rw', () => {
  const prog = compileDeviceProgram(effectiveDeviceState([
    { allow: false, access: 'rwm' },
    { allow: true, type: 'c', major: 1, minor: 3, access: 'rwm' },
    { allow: true, type: 'c', major: 136, access: 'rw' },
  ]));
  assert.deepEqual(hex(prog), [
    '6112000000000000', // r2 = *(u32 *)(r1 + 0)
    '54020000ffff0000', // w2 &= 0xffff
    '6113000000000000', // r3 = *(u32 *)(r1 + 0)
    '7403000010000000', // w3 >>= 16
    '6114040000000000', // r4 = *(u32 *)(r1 + 4)
    '6115080000000000', // r5 = *(u32 *)(r1 + 8)
    // c 1:3 rwm: type, major, minor (rwm covers any access: no access check)
    '5602040002000000', // if w2 != 2 goto +4
    '5604030001000000', // if w4 != 1 goto +3
    '5605020003000000', // if w5 != 3 goto +2
    'b700000001000000', // r0 = 1
    '9500000000000000', // exit
    // c 136:* rw: type, access (no bit outside rw), major
    '5602060002000000', // if w2 != 2 goto +6
    'bc31000000000000', // w1 = w3
    '5401000001000000', // w1 &= ~(r|w) & 7 = 1 (mknod)
    '5601030000000000', // if w1 != 0 goto +3
    '5604020088000000', // if w4 != 136 goto +2
    'b700000001000000', // r0 = 1
    '9500000000000000', // exit
    'b700000000000000', // r0 = 0 (default deny)
    '9500000000000000', // exit
  ]);
  assert.equal(decodeInsns(prog).length, 20);
});

test('allow-by-default programs deny on any shared access bit', () => {
  const prog = compileDeviceProgram(effectiveDeviceState([{ allow: false, type: 'b', major: 8, access: 'w' }]));
  assert.equal(emulateDeviceProgram(prog, { type: 'b', major: 8, minor: 1, access: 'r' }), true);
  assert.equal(emulateDeviceProgram(prog, { type: 'b', major: 8, minor: 1, access: 'rw' }), false);
  assert.equal(emulateDeviceProgram(prog, { type: 'c', major: 8, minor: 1, access: 'w' }), true);
  assert.equal(emulateDeviceProgram(prog, { type: 'b', major: 9, minor: 1, access: 'w' }), true);
});

test('a docker-like config with the default devices', () => {
  const rules: LinuxDeviceCgroup[] = [{ allow: false, access: 'rwm' }, ...DEFAULT_DEVICE_RULES];
  const prog = compileDeviceProgram(effectiveDeviceState(rules));
  const ok = (type: DeviceType, major: number, minor: number, access: string): boolean => emulateDeviceProgram(prog, { type, major, minor, access });
  assert.equal(ok('c', 1, 3, 'rw'), true, '/dev/null');
  assert.equal(ok('c', 1, 9, 'r'), true, '/dev/urandom');
  assert.equal(ok('c', 136, 4, 'rw'), true, '/dev/pts/4');
  assert.equal(ok('c', 5, 2, 'rw'), true, '/dev/ptmx');
  assert.equal(ok('b', 8, 0, 'r'), false, '/dev/sda read');
  assert.equal(ok('b', 8, 0, 'm'), true, 'mknod of any block device');
  assert.equal(ok('b', 8, 0, 'rm'), false, 'mknod plus read is not covered by one rule');
  assert.equal(ok('c', 1, 1, 'r'), false, '/dev/mem');
  assert.equal(ok('c', 10, 200, 'rw'), true, '/dev/net/tun');
});

// The program and the model (the kernel's v1 logic) agree on every access of every rule set.
test('random rule sets: program == model for every request', () => {
  let seed = 12345;
  const rand = (n: number): number => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  const majors = [WILDCARD, 1, 5, 8, 136];
  const minors = [WILDCARD, 0, 3, 9];
  const accesses = ['r', 'w', 'm', 'rw', 'rm', 'wm', 'rwm'];
  for (let round = 0; round < 300; round++) {
    const rules: LinuxDeviceCgroup[] = [];
    for (let i = 0, n = rand(8); i < n; i++) {
      const type = (['a', 'b', 'c'] as const)[rand(3)]!;
      const rule: LinuxDeviceCgroup = { allow: rand(2) === 0, type, access: accesses[rand(accesses.length)]! };
      const major = majors[rand(majors.length)]!;
      const minor = minors[rand(minors.length)]!;
      if (major !== WILDCARD) rule.major = major;
      if (minor !== WILDCARD) rule.minor = minor;
      rules.push(rule);
    }
    const state = effectiveDeviceState(rules);
    const prog = compileDeviceProgram(state);
    for (const type of ['b', 'c'] as const) {
      for (const major of [1, 5, 8, 136, 200]) {
        for (const minor of [0, 3, 9, 77]) {
          for (const access of accesses) {
            assert.equal(
              emulateDeviceProgram(prog, { type, major, minor, access }),
              isDeviceAccessAllowed(state, type, major, minor, access),
              `rules ${JSON.stringify(rules)} request ${type} ${major}:${minor} ${access}`,
            );
          }
        }
      }
    }
  }
});
