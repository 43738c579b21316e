// berth's compiled filters on the real kernel, which is the final judge of a program's
// validity (seccomp_check_filter) and of what a syscall then returns; and the same profile
// under runc and crun (Debian's packages, each with libseccomp), whose answers must agree.
// test/seccomp-oracle/probe.c makes the syscalls and prints each result.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LinuxSeccomp } from '../../oci/runtime-spec.ts';
import { compileSeccomp } from './compile.ts';
import { nativeSeccompArch } from './arch.ts';
import { resolveDockerDefaultProfile } from './docker-default.ts';
import { DOCKER_DEFAULT_CAPS } from '../docker-defaults.ts';
import { buildNativeTools, parseProbeOutput } from '../../../test/seccomp-oracle/native-tools.ts';
import { makeBundle } from '../../../test/helpers/bundle.ts';

const PROBES = ['getpid', 'personality', 'unshare-user', 'unshare-ns', 'clone3', 'socket:2', 'socket:38', 'socket:39', 'socket:40', 'mount', 'keyctl', 'nr:246', 'nr:1000'];

const tools = buildNativeTools();
const native = nativeSeccompArch();
after(() => {
  if (!('skip' in tools)) tools.dispose();
});

function dockerProfile(caps: readonly string[]): LinuxSeccomp {
  return resolveDockerDefaultProfile({ capabilities: caps, kernelRelease: '6.1.0' });
}

function runUnderBerth(profile: LinuxSeccomp, args: string[]): { status: number | null; stdout: string; stderr: string } {
  if ('skip' in tools) throw new Error(tools.skip);
  const compiled = compileSeccomp(profile);
  const file = join(tools.dir, `filter-${Math.random().toString(36).slice(2)}.bpf`);
  writeFileSync(file, compiled.program);
  const r = spawnSync(tools.loadFilter, [file, String(compiled.flags), ...args], { encoding: 'utf8' });
  rmSync(file, { force: true });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('on the kernel', () => {
  test("docker's default profile: no unshare, no mount, clone3 and unknown syscalls get ENOSYS", (t) => {
    if ('skip' in tools) return t.skip(tools.skip);
    if (!native) return t.skip(`seccomp compilation does not support ${process.arch}`);
    const r = runUnderBerth(dockerProfile(DOCKER_DEFAULT_CAPS), [tools.probe, ...PROBES]);
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(parseProbeOutput(r.stdout), {
      getpid: 'OK',
      personality: 'OK',
      'unshare-user': 'EPERM',
      'unshare-ns': 'EPERM',
      clone3: 'ENOSYS',
      'socket:2': 'OK',
      'socket:38': 'EPERM',
      'socket:39': parseProbeOutput(spawnSync(tools.probe, ['socket:39'], { encoding: 'utf8' }).stdout)['socket:39']!,
      'socket:40': 'EPERM',
      mount: 'EPERM',
      keyctl: 'EPERM',
      'nr:246': 'EPERM',
      'nr:1000': 'ENOSYS',
    });
  });

  test('every profile of the oracle test loads, and the TSYNC and LOG flags are accepted', (t) => {
    if ('skip' in tools) return t.skip(tools.skip);
    if (!native) return t.skip(`seccomp compilation does not support ${process.arch}`);
    const withAdmin = dockerProfile([...DOCKER_DEFAULT_CAPS, 'CAP_SYS_ADMIN']);
    const r1 = runUnderBerth(withAdmin, [tools.probe, 'getpid', 'clone3']);
    assert.equal(r1.status, 0, r1.stderr);
    assert.deepEqual(parseProbeOutput(r1.stdout), { getpid: 'OK', clone3: 'EINVAL' }); // allowed: the kernel's own answer
    const flagged: LinuxSeccomp = { ...dockerProfile(DOCKER_DEFAULT_CAPS), flags: ['SECCOMP_FILTER_FLAG_TSYNC', 'SECCOMP_FILTER_FLAG_LOG'] };
    const r2 = runUnderBerth(flagged, [tools.probe, 'getpid']);
    assert.equal(r2.status, 0, r2.stderr);
    const denyList: LinuxSeccomp = { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['getpid'], action: 'SCMP_ACT_ERRNO', errnoRet: 13 }] };
    const r3 = runUnderBerth(denyList, [tools.probe, 'getpid', 'nr:1000']);
    assert.deepEqual(parseProbeOutput(r3.stdout), { getpid: 'EACCES', 'nr:1000': 'ENOSYS' });
  });
});

// runc and crun take the profile from config.json; the probe runs as the container's process.
function runInContainer(runtime: string, profile: LinuxSeccomp, caps: readonly string[]): Record<string, string> {
  if ('skip' in tools) throw new Error(tools.skip);
  const bundle = makeBundle((spec) => {
    spec.process!.args = ['/probe', ...PROBES];
    spec.process!.capabilities = { bounding: [...caps], effective: [...caps], permitted: [...caps] };
    spec.linux!.seccomp = profile;
    // crun 1.8 refuses spec versions newer than the ones it knows
    if (runtime === 'crun') spec.ociVersion = '1.0.2';
  });
  const state = mkdtempSync(join(tmpdir(), `berth-${runtime}-state-`));
  const id = `berth-seccomp-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  try {
    copyFileSync(tools.probe, join(bundle.rootfs, 'probe'));
    const r = spawnSync(runtime, ['--root', state, 'run', '--bundle', bundle.dir, id], { encoding: 'utf8', timeout: 60_000 });
    if (r.status !== 0) throw new Error(`${runtime} run failed (${r.status}): ${r.stderr}`);
    return parseProbeOutput(r.stdout);
  } finally {
    spawnSync(runtime, ['--root', state, 'delete', '--force', id]);
    rmSync(state, { recursive: true, force: true });
    bundle.remove();
  }
}

describe('the same profile under runc and crun', () => {
  for (const runtime of ['runc', 'crun']) {
    for (const [label, caps] of [['default capabilities', DOCKER_DEFAULT_CAPS], ['with CAP_SYS_ADMIN', [...DOCKER_DEFAULT_CAPS, 'CAP_SYS_ADMIN']]] as const) {
      test(`${runtime}, docker's default profile, ${label}`, (t) => {
        if ('skip' in tools) return t.skip(tools.skip);
        if (process.getuid?.() !== 0) return t.skip('needs root');
        if (spawnSync(runtime, ['--version']).status !== 0) return t.skip(`${runtime} is not installed`);
        if (!native) return t.skip(`seccomp compilation does not support ${process.arch}`);
        const profile = dockerProfile(caps);
        let theirs: Record<string, string>;
        try {
          theirs = runInContainer(runtime, profile, caps);
        } catch (e) {
          // crun 1.8 runs no container at all on a hybrid cgroup hierarchy (as on this project's
          // machines), whatever the config says
          if (/hybrid mode not supported/.test(String(e))) return t.skip(`${runtime} cannot run containers on this host's hybrid cgroup hierarchy`);
          throw e;
        }
        // the same container without a seccomp filter: what the kernel answers on its own
        const baseline = runInContainer(runtime, { defaultAction: 'SCMP_ACT_ALLOW' }, caps);
        const berth = runUnderBerth(profile, [tools.probe, ...PROBES]);
        const mine = parseProbeOutput(berth.stdout);
        // Outside a container the kernel answers allowed calls differently (mount target,
        // namespaces): compare only what seccomp decided, i.e. where either side was denied.
        for (const p of PROBES) {
          const seccompSays = (v: string | undefined) => (v === 'EPERM' || v === 'ENOSYS' ? v : 'passed');
          const th = seccompSays(theirs[p]);
          const mn = seccompSays(mine[p]);
          if (th === 'passed' && mn === 'passed') continue;
          // a denial the runtime's kernel answer explains (e.g. EPERM from a missing capability) is
          // visible in the allow-all run as the same value
          if (th === 'EPERM' && mn === 'passed' && baseline[p] === 'EPERM') continue;
          assert.equal(mn, th, `${p}: berth ${mine[p]}, ${runtime} ${theirs[p]}`);
        }
        t.diagnostic(`${runtime}: ${PROBES.map((p) => `${p}=${theirs[p]}`).join(' ')}`);
        t.diagnostic(`berth: ${PROBES.map((p) => `${p}=${mine[p]}`).join(' ')}`);
      });
    }
  }
});
