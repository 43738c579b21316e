import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildCreatePlan, type CreatePlanInput } from './create-plan.ts';
import { buildExecPlan } from './exec-plan.ts';
import { defaultSpec } from '../default-spec.ts';
import { Op, Stage } from '../helper/protocol.ts';
import type { Spec } from '../../oci/runtime-spec.ts';
import type { IdMapWriters } from '../rootless/id-map-writers.ts';
import { defaultStateRoot } from '../state/default-root.ts';
import { UsageError } from '../../lib/errors.ts';

const host = { lastCap: () => 40, hasKcore: () => false, mountPointOf: () => '/' };
const input = (over: Partial<CreatePlanInput> = {}): CreatePlanInput => ({ bundle: '/b', rootfs: '/b/rootfs', fifoPath: '/run/x/exec.fifo', preserveFds: 0, noPivot: false, cgroups: [], foreground: false, host, ...over });

function userns(): Spec {
  const s = defaultSpec();
  s.process!.terminal = false;
  s.linux!.namespaces!.push({ type: 'user' });
  s.linux!.uidMappings = [{ containerID: 0, hostID: 1000, size: 1 }, { containerID: 1, hostID: 100000, size: 65535 }];
  s.linux!.gidMappings = [{ containerID: 0, hostID: 1000, size: 1 }];
  return s;
}

const mapSteps = (w?: IdMapWriters): string[][] =>
  buildCreatePlan(userns(), input(w ? { idMapWriters: w } : {})).plan.steps.filter((s) => s.stage === Stage.PARENT_MAP && (s.op === Op.RUN_TOOL || s.op === Op.WRITE_CHILD_PROC)).map((s) => s.strs.map(String));

test('root writes both maps itself', () => {
  assert.deepEqual(mapSteps(), [['uid_map', '0 1000 1\n1 100000 65535\n'], ['gid_map', '0 1000 1\n']]);
});

test('rootless: newuidmap gets the child\'s pid and every mapping; an own gid is written after setgroups "deny"', () => {
  const w: IdMapWriters = { uid: { kind: 'tool', path: '/usr/bin/newuidmap' }, gid: { kind: 'self' }, setgroupsDenied: true };
  assert.deepEqual(mapSteps(w), [
    ['/usr/bin/newuidmap', '{pid}', '0', '1000', '1', '1', '100000', '65535'],
    ['setgroups', 'deny'],
    ['gid_map', '0 1000 1\n'],
  ]);
});

test('the exec fifo keeps the runtime user as owner (a rootless user cannot chown to root)', () => {
  const fifo = buildCreatePlan(userns(), input()).plan.steps.find((s) => s.op === Op.MKNOD && s.stage === Stage.PARENT_PRE)!;
  assert.deepEqual(fifo.ints.slice(4, 6), [-1, -1]);
});

test('the container\'s first steps make it non-dumpable and close the cgroup directory fd, in create and exec', () => {
  const cg = [{ version: 2 as const, controllers: [], mountPoint: '/sys/fs/cgroup', path: '/sys/fs/cgroup/x', relative: '/x' }];
  const create = buildCreatePlan(userns(), input({ cgroups: cg })).plan;
  const init = create.steps.filter((s) => s.stage === Stage.INIT);
  assert.deepEqual([init[0]!.op, init[0]!.ints], [Op.SET_DUMPABLE, [0]]);
  assert.deepEqual([init[1]!.op, init[1]!.ints], [Op.CLOSE_SLOT, [create.cgroupSlot]]);
  const exec = buildExecPlan(userns(), userns().process!, { initPid: 42, cgroups: cg, detach: false, preserveFds: 0, chrootToInit: false, lastCap: 40, rootfs: '/b/rootfs' }).plan;
  const first = exec.steps.find((s) => s.stage === Stage.INIT)!;
  assert.deepEqual([first.op, first.ints], [Op.SET_DUMPABLE, [0]]);
});

test('a rootless runtime\'s hooks get the init dumpable while they run, and hidden again after', () => {
  const s = userns();
  s.hooks = { createRuntime: [{ path: '/bin/true' }] };
  const seq = (rootless: boolean): number[] =>
    buildCreatePlan(s, input({ rootless })).plan.steps.filter((x) => x.op === Op.SET_DUMPABLE || x.op === Op.HOOK_SYNC).map((x) => (x.op === Op.HOOK_SYNC ? -1 : Number(x.ints[0])));
  assert.deepEqual(seq(false), [0, -1]);
  assert.deepEqual(seq(true), [0, 1, -1, 0]);
});

test('the default state root: /run/berth-runtime for root, $XDG_RUNTIME_DIR/berth-runtime otherwise, a clear error without it', () => {
  assert.equal(defaultStateRoot(0, {}), '/run/berth-runtime');
  assert.equal(defaultStateRoot(1000, { XDG_RUNTIME_DIR: '/run/user/1000' }), '/run/user/1000/berth-runtime');
  assert.throws(() => defaultStateRoot(1000, {}), (e: unknown) => e instanceof UsageError && /runs as uid 1000, not root, and XDG_RUNTIME_DIR is not set: set it \(usually \/run\/user\/1000\) or pass --root <dir>/.test(e.message));
});
