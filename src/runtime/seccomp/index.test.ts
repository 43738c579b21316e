import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileSpecSeccomp, needsListener, seccompStepOperands } from './index.ts';
import { defaultSpec } from '../default-spec.ts';

test('a config without linux.seccomp compiles to nothing', () => {
  const spec = defaultSpec();
  delete spec.linux!.seccomp;
  assert.equal(compileSpecSeccomp(spec, { nativeArch: 'x86_64' }), undefined);
});

test('OP_SECCOMP operands: flags and listener slot, then the program and the metadata', () => {
  const spec = defaultSpec();
  spec.linux!.seccomp = { defaultAction: 'SCMP_ACT_ALLOW', listenerMetadata: 'm', syscalls: [{ names: ['mount'], action: 'SCMP_ACT_NOTIFY' }] };
  const c = compileSpecSeccomp(spec, { nativeArch: 'x86_64' })!;
  assert.ok(needsListener(c));
  const ops = seccompStepOperands(c, 7, 'm');
  assert.deepEqual(ops.ints, [c.flags, 7]);
  assert.equal(ops.strs[0], c.program);
  assert.equal(ops.strs[1], 'm');
  assert.deepEqual(seccompStepOperands(c).ints, [c.flags, -1]);
  assert.equal(seccompStepOperands(c).strs.length, 1);
});
