// docker's default profile: its resolution for a container, and what the compiled filter then
// decides for the syscalls that matter. The instruction counts are printed as diagnostics:
//   node_modules/.bin/node --test src/runtime/seccomp/docker-default.test.ts
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveDockerDefaultProfile, DOCKER_DEFAULT_SYSCALLS } from './docker-default.ts';
import { DOCKER_DEFAULT_CAPS } from '../docker-defaults.ts';
import { compileSeccomp } from './compile.ts';
import { describeAction } from './actions.ts';
import { ARCHES, AUDIT_ARCH_X86_64, type SeccompArch } from './arch.ts';
import { runSeccompFilter } from './bpf-interpreter.ts';
import { decodeProgram } from './bpf.ts';
import type { LinuxSeccomp } from '../../oci/runtime-spec.ts';

const CLONE_NEWUSER = 0x10000000n;
const CLONE_NEWNS = 0x00020000n;
const CLONE_THREAD_FLAGS = 0x003d0f00n; // what pthread_create passes

function names(p: LinuxSeccomp): Set<string> {
  return new Set((p.syscalls ?? []).flatMap((s) => s.names));
}

function decider(caps: readonly string[], host: SeccompArch = 'x86_64') {
  const p = resolveDockerDefaultProfile({ capabilities: caps, hostArch: host, kernelRelease: '6.1.0' });
  const r = compileSeccomp(p, { nativeArch: host });
  return (arch: SeccompArch, name: string, args: bigint[] = []) => {
    const info = ARCHES[arch];
    const n = info.table.get(name);
    if (n === undefined) throw new Error(`no ${name} on ${arch}`);
    return describeAction(runSeccompFilter(r.program, { nr: (n + info.nrBase) | 0, arch: info.auditArch, args }));
  };
}

describe("resolving docker's default profile", () => {
  test('default capabilities: no mount, unshare or setns; clone3 answers ENOSYS', () => {
    const p = resolveDockerDefaultProfile({ capabilities: DOCKER_DEFAULT_CAPS, hostArch: 'x86_64', kernelRelease: '6.1.0' });
    assert.equal(p.defaultAction, 'SCMP_ACT_ERRNO');
    assert.equal(p.defaultErrnoRet, 1);
    assert.deepEqual(p.architectures, ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32']);
    const n = names(p);
    for (const s of ['mount', 'umount2', 'unshare', 'setns', 'bpf', 'reboot', 'init_module', 'kexec_load', 'open_by_handle_at']) assert.ok(!n.has(s), s);
    assert.ok(n.has('ptrace')); // allowed from kernel 4.8 on, without CAP_SYS_PTRACE
    assert.ok(n.has('chroot')); // CAP_SYS_CHROOT is a default capability
    assert.ok(n.has('arch_prctl') && n.has('modify_ldt'));
    assert.ok(!n.has('cacheflush') && !n.has('s390_runtime_instr'));
    assert.deepEqual(p.syscalls!.find((s) => s.names.includes('clone3')), { names: ['clone3'], action: 'SCMP_ACT_ERRNO', errnoRet: 38 });
  });

  test('CAP_SYS_ADMIN brings mount, unshare, setns, clone3, and drops the clone flag check', () => {
    const p = resolveDockerDefaultProfile({ capabilities: [...DOCKER_DEFAULT_CAPS, 'CAP_SYS_ADMIN'], hostArch: 'x86_64', kernelRelease: '6.1.0' });
    const n = names(p);
    for (const s of ['mount', 'umount2', 'unshare', 'setns', 'clone3', 'bpf', 'fsopen']) assert.ok(n.has(s), s);
    assert.ok(!p.syscalls!.some((s) => s.args?.length && s.names.includes('clone')));
    assert.ok(!p.syscalls!.some((s) => s.names.includes('clone3') && s.action === 'SCMP_ACT_ERRNO'));
  });

  test('arch conditions follow the host: arm64 gets the arm calls, not arch_prctl', () => {
    const p = resolveDockerDefaultProfile({ capabilities: DOCKER_DEFAULT_CAPS, hostArch: 'aarch64', kernelRelease: '6.1.0' });
    assert.deepEqual(p.architectures, ['SCMP_ARCH_AARCH64', 'SCMP_ARCH_ARM']);
    const n = names(p);
    assert.ok(n.has('cacheflush') && n.has('set_tls'));
    assert.ok(!n.has('arch_prctl') && !n.has('modify_ldt'));
  });

  test('minKernel: ptrace only from 4.8 without CAP_SYS_PTRACE', () => {
    const old = resolveDockerDefaultProfile({ capabilities: DOCKER_DEFAULT_CAPS, hostArch: 'x86_64', kernelRelease: '4.4.0-210-generic' });
    assert.ok(!names(old).has('ptrace'));
    const cur = resolveDockerDefaultProfile({ capabilities: DOCKER_DEFAULT_CAPS, hostArch: 'x86_64', kernelRelease: '4.8.0' });
    assert.ok(names(cur).has('ptrace'));
  });

  test('every condition in the data is one the resolver understands', () => {
    for (const r of DOCKER_DEFAULT_SYSCALLS) {
      for (const c of [r.includes, r.excludes]) {
        if (!c) continue;
        assert.deepEqual(Object.keys(c).filter((k) => !['caps', 'arches', 'minKernel'].includes(k)), []);
      }
    }
  });
});

describe("docker's default profile compiled", () => {
  const dflt = decider(DOCKER_DEFAULT_CAPS);
  const admin = decider([...DOCKER_DEFAULT_CAPS, 'CAP_SYS_ADMIN']);

  test('ordinary syscalls are allowed on x86_64, i386 and x32', () => {
    for (const arch of ['x86_64', 'x86', 'x32'] as const) {
      for (const s of ['read', 'write', 'openat', 'execve', 'exit_group', 'futex', 'epoll_pwait']) assert.equal(dflt(arch, s), 'ALLOW', `${arch} ${s}`);
    }
    assert.equal(dflt('x86', 'socketcall'), 'ALLOW');
    assert.equal(dflt('x86_64', 'arch_prctl'), 'ALLOW');
  });

  test('without CAP_SYS_ADMIN: mount and unshare get EPERM, clone3 ENOSYS', () => {
    assert.equal(dflt('x86_64', 'mount', [0n, 0n, 0n, 0n]), 'ERRNO(1)');
    assert.equal(dflt('x86_64', 'unshare', [CLONE_NEWUSER]), 'ERRNO(1)');
    assert.equal(dflt('x86', 'unshare', [CLONE_NEWUSER]), 'ERRNO(1)');
    assert.equal(dflt('x86_64', 'setns'), 'ERRNO(1)');
    assert.equal(dflt('x86_64', 'clone3'), 'ERRNO(38)');
    assert.equal(dflt('x86_64', 'keyctl'), 'ERRNO(1)');
  });

  test('clone is allowed for threads and processes, not with namespace flags', () => {
    assert.equal(dflt('x86_64', 'clone', [CLONE_THREAD_FLAGS]), 'ALLOW');
    assert.equal(dflt('x86_64', 'clone', [0x11n]), 'ALLOW'); // fork: SIGCHLD
    assert.equal(dflt('x86_64', 'clone', [CLONE_NEWUSER | 0x11n]), 'ERRNO(1)');
    assert.equal(dflt('x86_64', 'clone', [CLONE_NEWNS]), 'ERRNO(1)');
    assert.equal(dflt('x86', 'clone', [CLONE_NEWNS]), 'ERRNO(1)');
  });

  test('socket: any family but AF_ALG (38) and AF_VSOCK (40)', () => {
    for (const [family, want] of [[1n, 'ALLOW'], [2n, 'ALLOW'], [10n, 'ALLOW'], [16n, 'ALLOW'], [37n, 'ALLOW'], [38n, 'ERRNO(1)'], [39n, 'ALLOW'], [40n, 'ERRNO(1)'], [41n, 'ALLOW']] as const) {
      assert.equal(dflt('x86_64', 'socket', [family]), want, `family ${family}`);
    }
  });

  test('personality: only the values docker lists', () => {
    for (const v of [0n, 8n, 0x20000n, 0x20008n, 0xffffffffn]) assert.equal(dflt('x86_64', 'personality', [v]), 'ALLOW');
    assert.equal(dflt('x86_64', 'personality', [0x0040000n]), 'ERRNO(1)'); // ADDR_NO_RANDOMIZE
  });

  test('with CAP_SYS_ADMIN: mount, unshare, clone with namespaces and clone3 are allowed', () => {
    assert.equal(admin('x86_64', 'mount'), 'ALLOW');
    assert.equal(admin('x86_64', 'unshare', [CLONE_NEWUSER]), 'ALLOW');
    assert.equal(admin('x86_64', 'clone', [CLONE_NEWUSER]), 'ALLOW');
    assert.equal(admin('x86_64', 'clone3'), 'ALLOW');
  });

  test('syscalls newer than the profile get ENOSYS, older unknown ones EPERM', () => {
    const p = resolveDockerDefaultProfile({ capabilities: DOCKER_DEFAULT_CAPS, hostArch: 'x86_64', kernelRelease: '6.1.0' });
    const { program } = compileSeccomp(p, { nativeArch: 'x86_64' });
    assert.equal(describeAction(runSeccompFilter(program, { nr: 1000, arch: AUDIT_ARCH_X86_64 })), 'ERRNO(38)');
    assert.equal(describeAction(runSeccompFilter(program, { nr: 246, arch: AUDIT_ARCH_X86_64 })), 'ERRNO(1)'); // kexec_load
  });

  test('aarch64 host: arm calls allowed, unshare denied on both ABIs', () => {
    const arm = decider(DOCKER_DEFAULT_CAPS, 'aarch64');
    assert.equal(arm('arm', 'cacheflush'), 'ALLOW');
    assert.equal(arm('arm', 'read'), 'ALLOW');
    assert.equal(arm('aarch64', 'read'), 'ALLOW');
    assert.equal(arm('aarch64', 'unshare', [CLONE_NEWUSER]), 'ERRNO(1)');
    assert.equal(arm('arm', 'unshare', [CLONE_NEWUSER]), 'ERRNO(1)');
  });

  test('size and lookup cost', (t) => {
    for (const host of ['x86_64', 'aarch64'] as const) {
      for (const [label, caps] of [['default caps', DOCKER_DEFAULT_CAPS], ['+CAP_SYS_ADMIN', [...DOCKER_DEFAULT_CAPS, 'CAP_SYS_ADMIN']]] as const) {
        const p = resolveDockerDefaultProfile({ capabilities: caps, hostArch: host, kernelRelease: '6.1.0' });
        const r = compileSeccomp(p, { nativeArch: host });
        assert.ok(r.instructions <= 4096);
        assert.deepEqual(r.warnings, []);
        const insns = decodeProgram(r.program);
        let worst = 0;
        for (const arch of r.arches) {
          const info = ARCHES[arch];
          for (const n of info.table.values()) {
            const stats = { steps: 0 };
            runSeccompFilter(insns, { nr: (n + info.nrBase) | 0, arch: info.auditArch, args: [0n, 0n, 0n, 0n, 0n, 0n] }, stats);
            worst = Math.max(worst, stats.steps);
          }
        }
        t.diagnostic(`${host} host, ${label} (${r.arches.join(', ')}): ${r.instructions} instructions, at most ${worst} executed per syscall`);
      }
    }
  });
});
