import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { LinuxSeccomp, LinuxSyscall } from '../../oci/runtime-spec.ts';
import { InvalidConfigError } from '../../lib/errors.ts';
import { compileSeccomp, type CompileSeccompOptions } from './compile.ts';
import { describeAction } from './actions.ts';
import { AUDIT_ARCH_AARCH64, AUDIT_ARCH_ARM, AUDIT_ARCH_I386, AUDIT_ARCH_X86_64, X32_SYSCALL_BIT } from './arch.ts';
import { disassemble } from './bpf-disassemble.ts';
import { runSeccompFilter } from './bpf-interpreter.ts';
import { X86_64_SYSCALLS } from './syscalls/x86_64.ts';
import {
  SECCOMP_FILTER_FLAG_LOG,
  SECCOMP_FILTER_FLAG_NEW_LISTENER,
  SECCOMP_FILTER_FLAG_SPEC_ALLOW,
  SECCOMP_FILTER_FLAG_TSYNC,
  SECCOMP_FILTER_FLAG_TSYNC_ESRCH,
} from './flags.ts';

const X86_64: CompileSeccompOptions = { nativeArch: 'x86_64' };

function nrOf(name: string): number {
  const n = X86_64_SYSCALLS.get(name);
  if (n === undefined) throw new Error(`no syscall ${name}`);
  return n;
}

// What the filter decides for one x86_64 syscall.
function decide(profile: LinuxSeccomp, name: string | number, args: bigint[] = [], opts: CompileSeccompOptions = X86_64, arch = AUDIT_ARCH_X86_64): string {
  const { program } = compileSeccomp(profile, opts);
  const nr = typeof name === 'number' ? name : nrOf(name);
  return describeAction(runSeccompFilter(program, { nr, arch, args }));
}

function profile(syscalls: LinuxSyscall[], rest: Partial<LinuxSeccomp> = {}): LinuxSeccomp {
  return { defaultAction: 'SCMP_ACT_ERRNO', syscalls, ...rest };
}

describe('instructions', () => {
  test('an allow-list on one arch: arch check, x32 split, search, stub', () => {
    const p = profile([{ names: ['read', 'write'], action: 'SCMP_ACT_ALLOW' }, { names: ['getpid'], action: 'SCMP_ACT_ALLOW' }]);
    assert.deepEqual(disassemble(compileSeccomp(p, X86_64).program), [
      'ld [4]',
      'jeq #0xc000003e jt 1 jf 0', // this filter's only arch
      'ret #0x80000000', // any other: KILL_PROCESS
      'ld [0]',
      'jge #0x40000000 jt 0 jf 1', // an x32 number, and x32 is not in the filter...
      'jeq #0xffffffff jt 0 jf 6', // ...unless it is -1 (a tracer's skip): bad arch
      // intervals: 0-1 allow, 2-38 default, 39 allow, 40 and up ENOSYS; allow is the background
      'jgt #0x26 jt 1 jf 0',
      'jge #0x2 jt 2 jf 0', // 2..38
      'jge #0x28 jt 2 jf 0', // 40..: above the highest syscall named
      'ret #0x7fff0000',
      'ret #0x50001',
      'ret #0x50026',
      'ret #0x80000000', // the x32 bad-arch return, placed last because BPF jumps only forward
    ]);
  });

  test('a 64-bit equality tests the high half, then the low half', () => {
    const p = profile([{ names: ['personality'], action: 'SCMP_ACT_ALLOW', args: [{ index: 0, value: 0x1_0000_0008, op: 'SCMP_CMP_EQ' }] }]);
    const lines = disassemble(compileSeccomp(p, { ...X86_64, enosysStub: false }).program);
    assert.deepEqual(lines.slice(lines.indexOf('ld [20]')), ['ld [20]', 'jeq #0x1 jt 0 jf 3', 'ld [16]', 'jeq #0x8 jt 0 jf 1', 'ret #0x7fff0000', 'ret #0x50001', 'ret #0x80000000']);
  });

  test('a masked comparison masks both halves; a mask without high bits skips the high half', () => {
    const wide = profile([{ names: ['clone'], action: 'SCMP_ACT_ALLOW', args: [{ index: 0, value: 0x3_0000_00ff, valueTwo: 0x1_0000_0011, op: 'SCMP_CMP_MASKED_EQ' }] }]);
    const l1 = disassemble(compileSeccomp(wide, { ...X86_64, enosysStub: false }).program);
    assert.deepEqual(l1.slice(l1.indexOf('ld [20]'), l1.indexOf('ld [20]') + 6), ['ld [20]', 'and #0x3', 'jeq #0x1 jt 0 jf 4', 'ld [16]', 'and #0xff', 'jeq #0x11 jt 0 jf 1']);
    const narrow = profile([{ names: ['clone'], action: 'SCMP_ACT_ALLOW', args: [{ index: 0, value: 0x7e020000, op: 'SCMP_CMP_MASKED_EQ' }] }]);
    const l2 = disassemble(compileSeccomp(narrow, { ...X86_64, enosysStub: false }).program);
    assert.ok(!l2.includes('ld [20]'));
    assert.deepEqual(l2.slice(l2.indexOf('ld [16]'), l2.indexOf('ld [16]') + 3), ['ld [16]', 'and #0x7e020000', 'jeq #0x0 jt 0 jf 1']);
  });

  test('32-bit arches compare the low half only', () => {
    const p = profile([{ names: ['personality'], action: 'SCMP_ACT_ALLOW', args: [{ index: 0, value: 8, op: 'SCMP_CMP_GT' }] }]);
    const lines = disassemble(compileSeccomp(p, { nativeArch: 'arm', enosysStub: false }).program);
    assert.ok(lines.includes('ld [16]'));
    assert.ok(!lines.includes('ld [20]'));
    assert.equal(lines[1], 'jeq #0x40000028 jt 1 jf 0');
  });

  test('docker-sized allow-lists stay far below the kernel limit', () => {
    const names = [...X86_64_SYSCALLS.keys()].filter((_, i) => i % 3 !== 0);
    const r = compileSeccomp(profile([{ names, action: 'SCMP_ACT_ALLOW' }], { architectures: ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32'] }), X86_64);
    assert.ok(r.instructions < 1000, `${r.instructions} instructions`);
  });
});

describe('actions', () => {
  const p = profile(
    [
      { names: ['kill'], action: 'SCMP_ACT_KILL' },
      { names: ['tkill'], action: 'SCMP_ACT_KILL_THREAD' },
      { names: ['tgkill'], action: 'SCMP_ACT_KILL_PROCESS' },
      { names: ['getpid'], action: 'SCMP_ACT_TRAP' },
      { names: ['getuid'], action: 'SCMP_ACT_ERRNO', errnoRet: 13 },
      { names: ['getgid'], action: 'SCMP_ACT_ERRNO' },
      { names: ['geteuid'], action: 'SCMP_ACT_TRACE', errnoRet: 7 },
      { names: ['getegid'], action: 'SCMP_ACT_TRACE' },
      { names: ['uname'], action: 'SCMP_ACT_LOG' },
      { names: ['read'], action: 'SCMP_ACT_ALLOW' },
      { names: ['ioctl'], action: 'SCMP_ACT_NOTIFY' },
    ],
    { defaultAction: 'SCMP_ACT_ERRNO', defaultErrnoRet: 95 },
  );
  const expected: [string, string][] = [
    ['kill', 'KILL_THREAD'],
    ['tkill', 'KILL_THREAD'],
    ['tgkill', 'KILL_PROCESS'],
    ['getpid', 'TRAP(0)'],
    ['getuid', 'ERRNO(13)'],
    ['getgid', 'ERRNO(1)'],
    ['geteuid', 'TRACE(7)'],
    ['getegid', 'TRACE(1)'],
    ['uname', 'LOG'],
    ['read', 'ALLOW'],
    ['ioctl', 'NOTIFY'],
    ['mount', 'ERRNO(95)'],
  ];
  for (const [name, action] of expected) {
    test(`${name} gives ${action}`, () => assert.equal(decide(p, name), action));
  }
  test('SCMP_ACT_NOTIFY asks for a listener', () => {
    assert.equal(compileSeccomp(p, X86_64).flags, SECCOMP_FILTER_FLAG_NEW_LISTENER);
  });
});

describe('argument comparisons on 64-bit values', () => {
  const HUGE = 0x1_0000_0005;
  const cases: [string, number, number | undefined, [bigint, boolean][]][] = [
    ['SCMP_CMP_EQ', HUGE, undefined, [[0x1_0000_0005n, true], [5n, false], [0x2_0000_0005n, false], [0x1_0000_0004n, false]]],
    ['SCMP_CMP_NE', HUGE, undefined, [[0x1_0000_0005n, false], [5n, true], [0x1_0000_0006n, true]]],
    ['SCMP_CMP_LT', HUGE, undefined, [[0x1_0000_0004n, true], [0xffff_ffffn, true], [0x1_0000_0005n, false], [0x1_0000_0000_0000n, false], [0n, true]]],
    ['SCMP_CMP_LE', HUGE, undefined, [[0x1_0000_0005n, true], [0x1_0000_0006n, false], [0x1_0000_0000n, true], [0x2_0000_0000n, false]]],
    ['SCMP_CMP_GT', HUGE, undefined, [[0x1_0000_0006n, true], [0x1_0000_0005n, false], [0x2_0000_0000n, true], [0xffff_ffffn, false]]],
    ['SCMP_CMP_GE', HUGE, undefined, [[0x1_0000_0005n, true], [0x1_0000_0004n, false], [0xffff_ffff_ffff_ffffn, true], [6n, false]]],
    ['SCMP_CMP_MASKED_EQ', 0xff_0000_00ff, 0x12_0000_0034, [[0x12_0000_0034n, true], [0xab12_cdef_ab34n, true], [0x13_0000_0034n, false], [0x12_0000_0035n, false]]],
  ];
  for (const [op, value, valueTwo, checks] of cases) {
    test(op, () => {
      const arg = valueTwo === undefined ? { index: 2, value, op } : { index: 2, value, valueTwo, op };
      const p = profile([{ names: ['mmap'], action: 'SCMP_ACT_ALLOW', args: [arg] }]);
      for (const [v, allowed] of checks) {
        assert.equal(decide(p, 'mmap', [0n, 0n, v]), allowed ? 'ALLOW' : 'ERRNO(1)', `${op} ${value}: ${v}`);
      }
    });
  }

  test('the comparisons of one rule are ANDed, several rules for a syscall are ORed', () => {
    const p = profile([
      { names: ['mmap'], action: 'SCMP_ACT_ALLOW', args: [{ index: 0, value: 0, op: 'SCMP_CMP_EQ' }, { index: 3, value: 0x22, op: 'SCMP_CMP_EQ' }] },
      { names: ['mmap'], action: 'SCMP_ACT_LOG', args: [{ index: 5, value: 4096, op: 'SCMP_CMP_GE' }] },
    ]);
    assert.equal(decide(p, 'mmap', [0n, 0n, 0n, 0x22n]), 'ALLOW');
    assert.equal(decide(p, 'mmap', [1n, 0n, 0n, 0x22n]), 'ERRNO(1)');
    assert.equal(decide(p, 'mmap', [0n, 0n, 0n, 0x21n]), 'ERRNO(1)');
    assert.equal(decide(p, 'mmap', [1n, 0n, 0n, 0n, 0n, 8192n]), 'LOG');
    // the first rule that holds decides
    assert.equal(decide(p, 'mmap', [0n, 0n, 0n, 0x22n, 0n, 8192n]), 'ALLOW');
  });

  test('comparisons on the same argument become separate rules, as in runc', () => {
    const p = profile([{ names: ['personality'], action: 'SCMP_ACT_ALLOW', args: [{ index: 0, value: 0, op: 'SCMP_CMP_EQ' }, { index: 0, value: 8, op: 'SCMP_CMP_EQ' }] }]);
    assert.equal(decide(p, 'personality', [0n]), 'ALLOW');
    assert.equal(decide(p, 'personality', [8n]), 'ALLOW');
    assert.equal(decide(p, 'personality', [1n]), 'ERRNO(1)');
    assert.match(compileSeccomp(p, X86_64).warnings.join('\n'), /syscalls\[0\]: several comparisons on the same argument/);
  });

  test('a rule with the default action is dropped, as runc drops it', () => {
    const p = profile([
      { names: ['mount'], action: 'SCMP_ACT_ERRNO', args: [{ index: 0, value: 1, op: 'SCMP_CMP_EQ' }] },
      { names: ['mount'], action: 'SCMP_ACT_ALLOW' },
    ]);
    assert.equal(decide(p, 'mount', [1n]), 'ALLOW');
  });

  test('an unconditional rule hides the rules after it', () => {
    const p = profile([
      { names: ['mount'], action: 'SCMP_ACT_LOG' },
      { names: ['mount'], action: 'SCMP_ACT_ALLOW', args: [{ index: 0, value: 1, op: 'SCMP_CMP_EQ' }] },
    ]);
    assert.equal(decide(p, 'mount', [1n]), 'LOG');
  });

  test('a rule for 300 values needs long jumps and still decides right', () => {
    const rules: LinuxSyscall[] = [];
    for (let v = 0; v < 300; v++) rules.push({ names: ['ioctl'], action: 'SCMP_ACT_ALLOW', args: [{ index: 1, value: 0x5400 + v, op: 'SCMP_CMP_EQ' }] });
    rules.push({ names: ['read'], action: 'SCMP_ACT_ALLOW' });
    const p = profile(rules);
    const r = compileSeccomp(p, X86_64);
    assert.ok(disassemble(r.program).some((l) => l.startsWith('ja ')));
    assert.equal(decide(p, 'ioctl', [0n, 0x5400n]), 'ALLOW');
    assert.equal(decide(p, 'ioctl', [0n, 0x5400n + 299n]), 'ALLOW');
    assert.equal(decide(p, 'ioctl', [0n, 0x5400n + 300n]), 'ERRNO(1)');
    assert.equal(decide(p, 'ioctl', [0n, 0x1_0000_5400n]), 'ERRNO(1)');
    assert.equal(decide(p, 'read'), 'ALLOW');
  });
});

describe('architectures', () => {
  const multi = profile([{ names: ['read', 'socketcall', 'arch_prctl'], action: 'SCMP_ACT_ALLOW' }], { architectures: ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32'] });

  test('each arch uses its own numbers', () => {
    const { program } = compileSeccomp(multi, X86_64);
    const run = (arch: number, nr: number) => describeAction(runSeccompFilter(program, { nr, arch }));
    assert.equal(run(AUDIT_ARCH_X86_64, 0), 'ALLOW'); // read
    assert.equal(run(AUDIT_ARCH_X86_64, 3), 'ERRNO(1)'); // close
    assert.equal(run(AUDIT_ARCH_I386, 3), 'ALLOW'); // read on i386
    assert.equal(run(AUDIT_ARCH_I386, 102), 'ALLOW'); // socketcall, i386 only
    assert.equal(run(AUDIT_ARCH_X86_64, 158), 'ALLOW'); // arch_prctl
    assert.equal(run(AUDIT_ARCH_I386, 384), 'ALLOW'); // arch_prctl on i386 since 4.12
  });

  test('x32 numbers carry __X32_SYSCALL_BIT under the x86_64 audit arch', () => {
    const { program } = compileSeccomp(multi, X86_64);
    const run = (nr: number) => describeAction(runSeccompFilter(program, { nr: nr | 0, arch: AUDIT_ARCH_X86_64 }));
    assert.equal(run(X32_SYSCALL_BIT + 0), 'ALLOW'); // x32 read
    assert.equal(run(X32_SYSCALL_BIT + 1), 'ERRNO(1)'); // x32 write
    assert.equal(run(X32_SYSCALL_BIT + 158), 'ALLOW'); // x32 arch_prctl
  });

  test('x32 syscalls are a foreign arch when only x86_64 is in the filter, -1 is not', () => {
    const p = profile([{ names: ['read'], action: 'SCMP_ACT_ALLOW' }]);
    assert.equal(decide(p, X32_SYSCALL_BIT + 0), 'KILL_PROCESS');
    assert.equal(decide(p, -1), 'ERRNO(38)');
    assert.equal(decide(p, -1, [], { ...X86_64, enosysStub: false }), 'ERRNO(1)');
  });

  test('the native arch is always in the filter; other arches are killed', () => {
    const p = profile([{ names: ['read'], action: 'SCMP_ACT_ALLOW' }], { architectures: ['SCMP_ARCH_X86'] });
    const r = compileSeccomp(p, X86_64);
    assert.deepEqual(r.arches, ['x86_64', 'x86']);
    assert.equal(describeAction(runSeccompFilter(r.program, { nr: 0, arch: AUDIT_ARCH_X86_64 })), 'ALLOW');
    assert.equal(describeAction(runSeccompFilter(r.program, { nr: 3, arch: AUDIT_ARCH_I386 })), 'ALLOW');
    assert.equal(describeAction(runSeccompFilter(r.program, { nr: 63, arch: AUDIT_ARCH_AARCH64 })), 'KILL_PROCESS');
    assert.equal(describeAction(runSeccompFilter(r.program, { nr: 3, arch: 0x1234 })), 'KILL_PROCESS');
  });

  test('aarch64 with arm, including arm private syscalls', () => {
    const p = profile([{ names: ['read', 'cacheflush', 'set_tls'], action: 'SCMP_ACT_ALLOW' }], { architectures: ['SCMP_ARCH_AARCH64', 'SCMP_ARCH_ARM'] });
    const { program } = compileSeccomp(p, { nativeArch: 'aarch64' });
    const run = (arch: number, nr: number) => describeAction(runSeccompFilter(program, { nr, arch }));
    assert.equal(run(AUDIT_ARCH_AARCH64, 63), 'ALLOW');
    assert.equal(run(AUDIT_ARCH_ARM, 3), 'ALLOW');
    assert.equal(run(AUDIT_ARCH_ARM, 0xf0002), 'ALLOW'); // cacheflush
    assert.equal(run(AUDIT_ARCH_ARM, 0xf0005), 'ALLOW'); // set_tls
    assert.equal(run(AUDIT_ARCH_ARM, 2), 'ERRNO(1)');
    assert.equal(run(AUDIT_ARCH_X86_64, 0), 'KILL_PROCESS');
  });

  test('on x86 a socket or IPC rule also covers socketcall and ipc for that call', () => {
    const p = profile([{ names: ['socket'], action: 'SCMP_ACT_ERRNO', errnoRet: 97, args: [{ index: 0, value: 38, op: 'SCMP_CMP_EQ' }] }, { names: ['shmat'], action: 'SCMP_ACT_ERRNO' }], {
      defaultAction: 'SCMP_ACT_ALLOW',
      architectures: ['SCMP_ARCH_X86'],
    });
    const { program } = compileSeccomp(p, X86_64);
    const run = (nr: number, args: bigint[]) => describeAction(runSeccompFilter(program, { nr, arch: AUDIT_ARCH_I386, args }));
    assert.equal(run(359, [38n]), 'ERRNO(97)'); // socket(AF_ALG)
    assert.equal(run(359, [2n]), 'ALLOW');
    assert.equal(run(102, [1n]), 'ERRNO(97)'); // socketcall(SYS_SOCKET, ...): the family is behind a pointer
    assert.equal(run(102, [3n]), 'ALLOW'); // socketcall(SYS_CONNECT, ...)
    assert.equal(run(397, []), 'ERRNO(1)'); // shmat
    assert.equal(run(117, [21n]), 'ERRNO(1)'); // ipc(SHMAT, ...)
    assert.equal(run(117, [22n]), 'ALLOW'); // ipc(SHMDT, ...)
    const q = profile([{ names: ['connect'], action: 'SCMP_ACT_ERRNO', args: [{ index: 0, value: 3, op: 'SCMP_CMP_EQ' }, { index: 2, value: 16, op: 'SCMP_CMP_EQ' }] }], {
      defaultAction: 'SCMP_ACT_ALLOW',
      architectures: ['SCMP_ARCH_X86'],
    });
    const mux = compileSeccomp(q, X86_64).program;
    // the arg0 test gives way to the call number, the arg2 test stays (as in libseccomp)
    assert.equal(describeAction(runSeccompFilter(mux, { nr: 102, arch: AUDIT_ARCH_I386, args: [3n, 0n, 16n] })), 'ERRNO(1)');
    assert.equal(describeAction(runSeccompFilter(mux, { nr: 102, arch: AUDIT_ARCH_I386, args: [3n, 0n, 0n] })), 'ALLOW');
    // x86_64 has no multiplexers
    assert.equal(describeAction(runSeccompFilter(program, { nr: 41, arch: AUDIT_ARCH_X86_64, args: [2n] })), 'ALLOW');
  });

  test('a name unknown on one arch is skipped there only', () => {
    const p = profile([{ names: ['arch_prctl', 'read'], action: 'SCMP_ACT_ALLOW' }], { architectures: ['SCMP_ARCH_AARCH64'] });
    const r = compileSeccomp(p, X86_64);
    assert.deepEqual(r.warnings, []);
    assert.equal(describeAction(runSeccompFilter(r.program, { nr: 63, arch: AUDIT_ARCH_AARCH64 })), 'ALLOW');
  });
});

describe('the ENOSYS stub', () => {
  const p = profile([{ names: ['read', 'clone', 'openat'], action: 'SCMP_ACT_ALLOW' }], { architectures: ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32'] });
  const run = (nr: number, arch = AUDIT_ARCH_X86_64, opts = X86_64) => describeAction(runSeccompFilter(compileSeccomp(p, opts).program, { nr: nr | 0, arch }));

  test('syscalls above the highest one the profile names get ENOSYS, others the default', () => {
    assert.equal(run(257), 'ALLOW'); // openat, the highest named
    assert.equal(run(200), 'ERRNO(1)'); // known to the profile's era: denied
    assert.equal(run(258), 'ERRNO(38)');
    assert.equal(run(435), 'ERRNO(38)'); // clone3: glibc falls back to clone
    assert.equal(run(0x7fff_ffff), 'ERRNO(38)');
  });

  test('per arch: i386 has its own highest number', () => {
    assert.equal(run(295, AUDIT_ARCH_I386), 'ALLOW'); // openat on i386
    assert.equal(run(296, AUDIT_ARCH_I386), 'ERRNO(38)');
    assert.equal(run(120, AUDIT_ARCH_I386), 'ALLOW'); // clone
    assert.equal(run(121, AUDIT_ARCH_I386), 'ERRNO(1)');
  });

  test('x32 counts from its own base, and new syscalls below its legacy range get ENOSYS too', () => {
    const q = profile([{ names: ['read', 'readv', 'openat'], action: 'SCMP_ACT_ALLOW' }], { architectures: ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X32'] });
    const go = (nr: number) => describeAction(runSeccompFilter(compileSeccomp(q, X86_64).program, { nr: nr | 0, arch: AUDIT_ARCH_X86_64 }));
    assert.equal(go(X32_SYSCALL_BIT + 515), 'ALLOW'); // x32 readv
    assert.equal(go(X32_SYSCALL_BIT + 257), 'ALLOW'); // openat
    assert.equal(go(X32_SYSCALL_BIT + 200), 'ERRNO(1)');
    assert.equal(go(X32_SYSCALL_BIT + 300), 'ERRNO(38)'); // newer than openat, below 512
    assert.equal(go(X32_SYSCALL_BIT + 514), 'ERRNO(1)'); // x32 legacy range, known era
    assert.equal(go(X32_SYSCALL_BIT + 516), 'ERRNO(38)');
    assert.equal(go(300), 'ERRNO(38)'); // x86_64's own stub is apart
    assert.equal(go(258), 'ERRNO(38)');
  });

  test('no stub when the default action lets syscalls through', () => {
    for (const defaultAction of ['SCMP_ACT_ALLOW', 'SCMP_ACT_LOG', 'SCMP_ACT_TRACE']) {
      const q = profile([{ names: ['mount'], action: 'SCMP_ACT_ERRNO' }], { defaultAction });
      const d = decide(q, 435);
      assert.notEqual(d, 'ERRNO(38)', defaultAction);
    }
  });

  test('the stub can be turned off, and a KILL default gets it too', () => {
    assert.equal(run(435, AUDIT_ARCH_X86_64, { ...X86_64, enosysStub: false }), 'ERRNO(1)');
    const q = profile([{ names: ['read', 'openat'], action: 'SCMP_ACT_ALLOW' }], { defaultAction: 'SCMP_ACT_KILL_PROCESS' });
    assert.equal(decide(q, 435), 'ERRNO(38)');
    assert.equal(decide(q, 1), 'KILL_PROCESS');
  });

  test('defaultErrnoRet is the default errno', () => {
    const q = profile([{ names: ['read', 'openat'], action: 'SCMP_ACT_ALLOW' }], { defaultErrnoRet: 13 });
    assert.equal(decide(q, 'write'), 'ERRNO(13)');
  });
});

describe('flags', () => {
  test('spec names map to seccomp(2) flags', () => {
    const r = compileSeccomp(profile([], { flags: ['SECCOMP_FILTER_FLAG_TSYNC', 'SECCOMP_FILTER_FLAG_LOG', 'SECCOMP_FILTER_FLAG_SPEC_ALLOW'] }), X86_64);
    assert.equal(r.flags, SECCOMP_FILTER_FLAG_TSYNC | SECCOMP_FILTER_FLAG_LOG | SECCOMP_FILTER_FLAG_SPEC_ALLOW);
  });

  test('TSYNC with a listener also sets TSYNC_ESRCH, which the kernel requires', () => {
    const r = compileSeccomp(profile([{ names: ['mount'], action: 'SCMP_ACT_NOTIFY' }], { flags: ['SECCOMP_FILTER_FLAG_TSYNC'] }), X86_64);
    assert.equal(r.flags, SECCOMP_FILTER_FLAG_TSYNC | SECCOMP_FILTER_FLAG_NEW_LISTENER | SECCOMP_FILTER_FLAG_TSYNC_ESRCH);
  });

  test('an unknown flag is an error naming its index', () => {
    assert.throws(
      () => compileSeccomp(profile([], { flags: ['SECCOMP_FILTER_FLAG_LOG', 'SECCOMP_FILTER_FLAG_BOGUS'] }), X86_64),
      (e: unknown) => e instanceof InvalidConfigError && e.field === 'linux.seccomp.flags[1]' && /unknown seccomp flag "SECCOMP_FILTER_FLAG_BOGUS"/.test(e.message),
    );
  });
});

describe('errors and warnings', () => {
  const rejects = (p: LinuxSeccomp, field: string, message: RegExp) =>
    assert.throws(
      () => compileSeccomp(p, X86_64),
      (e: unknown) => e instanceof InvalidConfigError && e.field === field && message.test(e.message),
    );

  test('bad actions', () => {
    rejects(profile([], { defaultAction: 'SCMP_ACT_NOPE' }), 'linux.seccomp.defaultAction', /unknown seccomp action "SCMP_ACT_NOPE"/);
    rejects(profile([{ names: ['read'], action: 'ALLOW' }]), 'linux.seccomp.syscalls[0].action', /unknown seccomp action "ALLOW"/);
    rejects(profile([{ names: ['read'], action: 'SCMP_ACT_ALLOW', errnoRet: 1 }]), 'linux.seccomp.syscalls[0].action', /errnoRet 1 is only valid with SCMP_ACT_ERRNO/);
    rejects(profile([{ names: ['read'], action: 'SCMP_ACT_ERRNO', errnoRet: 70000 }]), 'linux.seccomp.syscalls[0].action', /invalid errnoRet 70000/);
    rejects(profile([], { defaultAction: 'SCMP_ACT_ALLOW', defaultErrnoRet: 5 }), 'linux.seccomp.defaultAction', /defaultErrnoRet 5 is only valid with SCMP_ACT_ERRNO/);
    rejects(profile([], { defaultAction: 'SCMP_ACT_NOTIFY' }), 'linux.seccomp.defaultAction', /cannot be the default action/);
    rejects(profile([{ names: ['read', 'write'], action: 'SCMP_ACT_NOTIFY' }]), 'linux.seccomp.syscalls[0].names', /cannot be used for the write syscall/);
  });

  test('bad rules', () => {
    rejects(profile([{ names: [], action: 'SCMP_ACT_ALLOW' }]), 'linux.seccomp.syscalls[0].names', /at least one syscall name/);
    rejects(profile([{ names: ['read'], action: 'SCMP_ACT_ALLOW', args: [{ index: 6, value: 1, op: 'SCMP_CMP_EQ' }] }]), 'linux.seccomp.syscalls[0].args[0].index', /invalid argument index 6/);
    rejects(profile([{ names: ['read'], action: 'SCMP_ACT_ALLOW', args: [{ index: 0, value: 1, op: 'SCMP_CMP_XX' }] }]), 'linux.seccomp.syscalls[0].args[0].op', /unknown comparison "SCMP_CMP_XX"/);
    rejects(profile([{ names: ['read'], action: 'SCMP_ACT_ALLOW', args: [{ index: 0, value: -1, op: 'SCMP_CMP_EQ' }] }]), 'linux.seccomp.syscalls[0].args[0].value', /invalid value -1/);
  });

  test('architectures: unknown is an error, unsupported ones are skipped with a warning', () => {
    rejects(profile([], { architectures: ['SCMP_ARCH_Z80'] }), 'linux.seccomp.architectures[0]', /unknown architecture "SCMP_ARCH_Z80"/);
    const r = compileSeccomp(profile([], { architectures: ['SCMP_ARCH_X86_64', 'SCMP_ARCH_PPC64LE'] }), X86_64);
    assert.deepEqual(r.warnings, ['linux.seccomp.architectures[1]: SCMP_ARCH_PPC64LE is not supported by berth and is skipped']);
  });

  test('a name that is a syscall nowhere is a warning; one of another arch is not', () => {
    const r = compileSeccomp(profile([{ names: ['read', 'raed', 's390_sthyi', 'cacheflush'], action: 'SCMP_ACT_ALLOW' }]), X86_64);
    assert.deepEqual(r.warnings, ['linux.seccomp.syscalls[0].names[1]: "raed" is not a syscall on any architecture berth supports and is skipped']);
  });

  test('names like Object.prototype members are not syscalls', () => {
    const r = compileSeccomp(profile([{ names: ['constructor', '__proto__'], action: 'SCMP_ACT_ALLOW' }]), X86_64);
    assert.equal(r.warnings.length, 2);
  });

  test('a program above 4096 instructions is refused with a clear message', () => {
    const rules: LinuxSyscall[] = [];
    for (let v = 0; v < 900; v++) rules.push({ names: ['ioctl'], action: 'SCMP_ACT_ALLOW', args: [{ index: 1, value: v, op: 'SCMP_CMP_EQ' }] });
    rejects(profile(rules), 'linux.seccomp', /the compiled filter has \d+ instructions, more than the kernel's limit of 4096/);
  });
});
