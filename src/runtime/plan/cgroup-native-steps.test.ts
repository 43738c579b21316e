import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PlanBuilder, encodePlan } from '../helper/plan.ts';
import { Op, Stage } from '../helper/protocol.ts';
import { addNativeCgroupSteps } from './cgroup-native-steps.ts';

test('a device program becomes one OP_BPF_DEVICES step: dir, program bytes, license', () => {
  const b = new PlanBuilder();
  const program = new Uint8Array([0xb7, 0, 0, 0, 1, 0, 0, 0, 0x95, 0, 0, 0, 0, 0, 0, 0]);
  addNativeCgroupSteps(b, [{ kind: 'bpf-devices', dir: '/sys/fs/cgroup/c1', program, license: 'Apache' }]);
  assert.deepEqual(b.steps, [{ op: Op.BPF_DEVICES, stage: Stage.PARENT_PRE, ints: [], strs: ['/sys/fs/cgroup/c1', program, 'Apache'], what: 'linux.resources.devices (the device program of cgroup "/sys/fs/cgroup/c1")' }]);
  // the program travels as raw bytes, NULs included
  const wire = encodePlan(b.build());
  assert.ok(wire.includes(Buffer.from(program)));
});
