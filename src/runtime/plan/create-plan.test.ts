import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildCreatePlan, type CreatePlanInput } from './create-plan.ts';
import { buildExecPlan } from './exec-plan.ts';
import { defaultSpec } from '../default-spec.ts';
import { Op, Stage, WaitMode } from '../helper/protocol.ts';
import { CLONE, MS } from './linux-constants.ts';
import type { Spec } from '../../oci/runtime-spec.ts';
import type { PlanStep } from '../helper/plan.ts';
import { DOCKER_DEFAULT_CAPS } from '../docker-defaults.ts';
import { capabilityNumber } from '../capabilities.ts';

const host = { lastCap: () => 40, hasKcore: () => true, mountPointOf: () => '/' };

function input(over: Partial<CreatePlanInput> = {}): CreatePlanInput {
  return { bundle: '/b', rootfs: '/b/rootfs', fifoPath: '/run/x/exec.fifo', preserveFds: 0, noPivot: false, cgroups: [], foreground: false, host, ...over };
}

function spec(mutate: (s: Spec) => void = () => {}): Spec {
  const s = defaultSpec();
  s.process!.terminal = false;
  mutate(s);
  return s;
}

const index = (steps: PlanStep[], pred: (s: PlanStep) => boolean): number => steps.findIndex(pred);
const ops = (steps: PlanStep[], op: number): PlanStep[] => steps.filter((s) => s.op === op);

test('the create plan follows crun\'s order: mounts, hooks, masks, pivot, hostname, identity, barrier, exec', () => {
  const s = spec((x) => {
    x.hooks = { createContainer: [{ path: '/bin/true' }] };
    x.process!.noNewPrivileges = true;
  });
  const { plan, hasHookSync } = buildCreatePlan(s, input());
  const st = plan.steps;
  assert.equal(hasHookSync, true);
  const firstMount = index(st, (x) => x.op === Op.MOUNT);
  assert.equal(st[firstMount]!.strs[1], '/', 'the host mounts are made slaves before anything is mounted');
  assert.equal(st[firstMount]!.ints[0], MS.SLAVE | MS.REC);
  const proc = index(st, (x) => x.op === Op.MOUNT && x.strs[2] === 'proc');
  const hookSync = index(st, (x) => x.op === Op.HOOK_SYNC);
  const hookRun = index(st, (x) => x.op === Op.RUN_HOOK);
  const mask = index(st, (x) => x.op === Op.MASK_PATH);
  const pivot = index(st, (x) => x.op === Op.PIVOT_ROOT);
  const hostname = index(st, (x) => x.op === Op.SETHOSTNAME);
  const setuid = index(st, (x) => x.op === Op.SETRESUID && x.stage === Stage.INIT);
  const capset = index(st, (x) => x.op === Op.CAPSET);
  const lookup = index(st, (x) => x.op === Op.LOOKUP_EXEC);
  const barrier = index(st, (x) => x.op === Op.BARRIER);
  const nnp = index(st, (x) => x.op === Op.NO_NEW_PRIVS);
  const exec = index(st, (x) => x.op === Op.EXEC);
  assert.ok(proc < hookSync && hookSync < hookRun && hookRun < mask && mask < pivot && pivot < hostname);
  assert.ok(hostname < setuid && setuid < capset && capset < lookup && lookup < barrier && barrier < nnp && nnp < exec);
  assert.equal(exec, st.length - 1, 'exec is the last step');
  assert.equal(plan.waitMode, WaitMode.DETACH);
  assert.deepEqual(st[barrier]!.ints.slice(1), [1], 'create closes the sync socket at the barrier');
});

test('new namespaces: user by clone, maps and cgroups by the parent, the rest unshared by the child', () => {
  const s = spec((x) => {
    x.linux!.namespaces!.push({ type: 'user' }, { type: 'time' });
    x.linux!.uidMappings = [{ containerID: 0, hostID: 100000, size: 65536 }];
    x.linux!.gidMappings = [{ containerID: 0, hostID: 100000, size: 65536 }];
    x.linux!.timeOffsets = { boottime: { secs: 100 } };
  });
  const cg = [{ version: 1 as const, controllers: ['pids'], mountPoint: '/sys/fs/cgroup/pids', path: '/sys/fs/cgroup/pids/x', relative: '/x' }];
  const { plan } = buildCreatePlan(s, input({ cgroups: cg }));
  assert.equal(plan.cloneFlags, CLONE.NEWUSER);
  const map = ops(plan.steps, Op.WRITE_CHILD_PROC);
  assert.deepEqual(map.map((m) => m.strs), [['uid_map', '0 100000 65536\n'], ['gid_map', '0 100000 65536\n']]);
  assert.ok(map.every((m) => m.stage === Stage.PARENT_MAP));
  assert.deepEqual(ops(plan.steps, Op.CGROUP_ENTER).map((c) => [c.stage, c.strs[0], c.ints[0]]), [[Stage.PARENT_MAP, '/sys/fs/cgroup/pids/x/cgroup.procs', 0]]);
  assert.equal(plan.cgroupSlot, -1, 'no v2 directory: no clone3 into a cgroup');
  const unshare = ops(plan.steps, Op.UNSHARE);
  assert.equal(unshare.length, 1);
  assert.equal(Number(unshare[0]!.ints[0]), CLONE.NEWPID | CLONE.NEWNET | CLONE.NEWIPC | CLONE.NEWUTS | CLONE.NEWNS | CLONE.NEWCGROUP | CLONE.NEWTIME);
  const offsets = ops(plan.steps, Op.WRITE_FILE).find((w) => w.strs[0] === '/proc/self/timens_offsets');
  assert.equal(offsets?.strs[1], 'boottime 100 0\n');
  assert.equal(offsets?.stage, Stage.CHILD);
  // in a user namespace devices cannot be made: the host's are bound in
  assert.equal(ops(plan.steps, Op.MKNOD).filter((m) => m.stage === Stage.INIT).length, 0);
  assert.ok(plan.steps.some((m) => m.op === Op.MOUNT && m.strs[0] === '/dev/null' && m.strs[1] === '/dev/null'));
});

test('without a new user namespace the child moves itself into v1 cgroups (tasks), before any namespace step', () => {
  const hybrid = [
    { version: 1 as const, controllers: ['pids'], mountPoint: '/sys/fs/cgroup/pids', path: '/sys/fs/cgroup/pids/x', relative: '/x' },
    { version: 1 as const, controllers: ['memory'], mountPoint: '/sys/fs/cgroup/memory', path: '/sys/fs/cgroup/memory/x', relative: '/x' },
    { version: 2 as const, controllers: [], mountPoint: '/sys/fs/cgroup/unified', path: '/sys/fs/cgroup/unified/x', relative: '/x' },
  ];
  const { plan } = buildCreatePlan(spec(), input({ cgroups: hybrid }));
  const joins = ops(plan.steps, Op.CGROUP_JOIN_SELF);
  assert.deepEqual(joins.map((j) => [j.stage, j.strs[0]]), [
    [Stage.CHILD, '/sys/fs/cgroup/pids/x/tasks'],
    [Stage.CHILD, '/sys/fs/cgroup/memory/x/tasks'],
  ]);
  const childSteps = plan.steps.filter((x) => x.stage === Stage.CHILD);
  assert.deepEqual(childSteps.slice(0, 2), joins, 'the first things the child does');
  // v2 by clone3 into the directory; nothing is moved by pid
  assert.ok(plan.cgroupSlot >= 0);
  assert.deepEqual(ops(plan.steps, Op.CGROUP_ENTER).map((c) => [c.strs[0], c.ints[0]]), [['/sys/fs/cgroup/unified/x/cgroup.procs', 1]]);
  // a rootless runtime leaves it to the parent, as with a new user namespace (the test above)
  const rootless = buildCreatePlan(spec(), input({ cgroups: hybrid, rootless: true })).plan;
  assert.equal(ops(rootless.steps, Op.CGROUP_JOIN_SELF).length, 0);
  // exec's process, root of the host until it joins the container's namespaces, does the same
  const exec = buildExecPlan(spec(), spec().process!, { initPid: 42, cgroups: hybrid, detach: false, preserveFds: 0, chrootToInit: false, lastCap: 40, rootfs: '/b/rootfs' }).plan;
  assert.deepEqual(ops(exec.steps, Op.CGROUP_JOIN_SELF).map((j) => j.strs[0]), ['/sys/fs/cgroup/pids/x/tasks', '/sys/fs/cgroup/memory/x/tasks']);
  assert.ok(exec.steps.filter((x) => x.stage === Stage.CHILD)[0]!.op === Op.CGROUP_JOIN_SELF);
});

test('joined namespaces are opened before the clone, the user one joined first and the mount one last', () => {
  const s = spec((x) => {
    x.linux!.namespaces = [{ type: 'mount', path: '/proc/1/ns/mnt' }, { type: 'network', path: '/proc/1/ns/net' }, { type: 'user', path: '/proc/1/ns/user' }, { type: 'pid' }];
  });
  const { plan } = buildCreatePlan(s, input());
  const opens = ops(plan.steps, Op.OPEN).filter((o) => String(o.strs[0]).startsWith('/proc/1/ns/'));
  assert.ok(opens.every((o) => o.stage === Stage.PARENT_PRE));
  const setns = ops(plan.steps, Op.SETNS);
  assert.deepEqual(setns.map((x) => Number(x.ints[1])), [CLONE.NEWUSER, CLONE.NEWNET, CLONE.NEWNS]);
  assert.ok(setns.every((x) => x.stage === Stage.CHILD));
  assert.equal(plan.cloneFlags, 0);
  assert.match(setns[0]!.what, /linux\.namespaces\[2\]/, 'the message names the config field');
});

test('a read-only bind mount is a bind followed by a remount; relative sources are under the bundle', () => {
  const s = spec((x) => {
    x.mounts!.push({ destination: '/data', type: 'bind', source: 'data', options: ['rbind', 'ro', 'nosuid'] });
  });
  const { plan } = buildCreatePlan(s, input());
  const m = ops(plan.steps, Op.MOUNT).filter((x) => x.strs[1] === '/data');
  assert.equal(m.length, 2);
  assert.equal(m[0]!.strs[0], '/b/data');
  assert.equal(m[0]!.ints[0], MS.BIND | MS.REC);
  assert.equal(m[1]!.ints[0], MS.BIND | MS.REMOUNT | MS.RDONLY | MS.NOSUID);
});

test('process steps: rlimits, bounding set, groups and ids, capabilities, umask and env with HOME', () => {
  const s = spec((x) => {
    x.process!.user = { uid: 1000, gid: 1000, additionalGids: [5, 6], umask: 0o027 };
    x.process!.rlimits = [{ type: 'RLIMIT_NOFILE', soft: 100, hard: 200 }];
    x.process!.env = ['A=1'];
  });
  const { plan } = buildCreatePlan(s, input());
  assert.deepEqual(ops(plan.steps, Op.SETRLIMIT)[0]!.ints, [7, 100n, 200n]);
  assert.deepEqual(ops(plan.steps, Op.SETGROUPS)[0]!.ints, [5, 6]);
  assert.deepEqual(ops(plan.steps, Op.UMASK)[0]!.ints, [0o027]);
  const bounding = ops(plan.steps, Op.CAP_BOUNDING)[0]!;
  assert.equal(bounding.ints[0], DOCKER_DEFAULT_CAPS.reduce((m, c) => m | (1n << BigInt(capabilityNumber(c)!)), 0n));
  const exec = ops(plan.steps, Op.EXEC)[0]!;
  assert.deepEqual(exec.strs, ['sh', 'A=1', 'HOME=/']);
  assert.deepEqual(exec.ints, [1, 127, 126]);
});

test('capabilities the kernel does not know are skipped with a warning', () => {
  const s = spec((x) => {
    x.process!.capabilities!.bounding!.push('CAP_CHECKPOINT_RESTORE');
  });
  const { plan, warnings } = buildCreatePlan(s, input({ host: { ...host, lastCap: () => 37 } }));
  assert.match(warnings.join('\n'), /CAP_CHECKPOINT_RESTORE is not known to this kernel/);
  assert.equal((ops(plan.steps, Op.CAP_BOUNDING)[0]!.ints[0] as bigint) & (1n << 40n), 0n);
});

test('run keeps the sync socket open across the barrier and waits in the helper', () => {
  const { plan } = buildCreatePlan(spec(), input({ foreground: true }));
  assert.equal(plan.waitMode, WaitMode.FOREGROUND);
  assert.deepEqual(ops(plan.steps, Op.BARRIER)[0]!.ints.slice(1), [0]);
});

test('a terminal is opened from the container devpts and sent to the console socket', () => {
  const s = spec((x) => {
    x.process!.terminal = true;
    x.process!.consoleSize = { height: 30, width: 100 };
  });
  const { plan } = buildCreatePlan(s, input({ consoleSocket: '/tmp/c.sock' }));
  const connect = ops(plan.steps, Op.CONNECT_UNIX)[0]!;
  assert.equal(connect.stage, Stage.PARENT_PRE);
  assert.deepEqual(ops(plan.steps, Op.OPEN_IN_ROOT)[0]!.strs, ['/dev/ptmx']);
  assert.deepEqual(ops(plan.steps, Op.SET_WINSIZE)[0]!.ints.slice(1), [30, 100]);
  assert.ok(index(plan.steps, (x) => x.op === Op.SEND_FD) < index(plan.steps, (x) => x.op === Op.PIVOT_ROOT));
  assert.equal(plan.ttyProxySlot, -1);
  const proxy = buildCreatePlan(s, input({ foreground: true }));
  assert.ok(proxy.plan.ttyProxySlot >= 0, 'run -t without a console socket proxies the terminal');
});

test('the exec plan joins the container\'s namespaces and cgroups and has no barrier', () => {
  const s = spec((x) => x.linux!.namespaces!.push({ type: 'user' }));
  const { plan } = buildExecPlan(s, s.process!, { initPid: 42, cgroups: [{ version: 2, controllers: [], mountPoint: '/cg', path: '/cg/x', relative: '/x' }], detach: false, preserveFds: 0, chrootToInit: false, lastCap: 40, rootfs: '/b/rootfs' });
  assert.equal(plan.cloneFlags, 0);
  assert.deepEqual(ops(plan.steps, Op.OPEN).map((o) => o.strs[0]), ['/proc/42/ns/pid', '/proc/42/ns/net', '/proc/42/ns/ipc', '/proc/42/ns/uts', '/proc/42/ns/mnt', '/proc/42/ns/cgroup', '/proc/42/ns/user', '/cg/x']);
  assert.ok(plan.cgroupSlot >= 0, 'the exec\'d process is cloned into the container\'s cgroup v2 directory');
  const setns = ops(plan.steps, Op.SETNS).map((x) => Number(x.ints[1]));
  assert.equal(setns[0], CLONE.NEWUSER);
  assert.equal(setns.at(-1), CLONE.NEWNS);
  assert.equal(ops(plan.steps, Op.BARRIER).length, 0);
  assert.equal(plan.waitMode, WaitMode.FOREGROUND);
});
