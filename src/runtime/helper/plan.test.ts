import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PlanBuilder, encodePlan } from './plan.ts';
import { Op, Stage, WaitMode, PLAN_MAGIC } from './protocol.ts';

// A decoder written from the C side's description (native/plan.c), to check the wire format.
function decode(buf: Buffer) {
  let off = 32;
  const n = buf.readUInt32LE(8);
  const steps = [];
  for (let i = 0; i < n; i++) {
    const op = buf.readUInt16LE(off);
    const stage = buf.readUInt8(off + 2);
    const nint = buf.readUInt16LE(off + 4);
    const nstr = buf.readUInt16LE(off + 6);
    off += 8;
    const ints: bigint[] = [];
    for (let j = 0; j < nint; j++, off += 8) ints.push(buf.readBigInt64LE(off));
    const strs: string[] = [];
    for (let j = 0; j < nstr; j++) {
      const len = buf.readUInt32LE(off);
      strs.push(buf.subarray(off + 4, off + 4 + len).toString());
      off += 4 + len;
    }
    steps.push({ op, stage, ints, strs });
  }
  return { magic: buf.readUInt32LE(0), cloneFlags: buf.readUInt32LE(16), waitMode: buf.readUInt32LE(20), tty: buf.readInt32LE(24), steps, end: off };
}

test('encodePlan writes the header and each step as native/plan.c reads them', () => {
  const b = new PlanBuilder();
  b.cloneFlags = 0x10000000;
  b.waitMode = WaitMode.FOREGROUND;
  b.ttyProxySlot = 3;
  b.add(Stage.INIT, Op.MOUNT, 'x', [1, -1, 2n ** 63n - 1n], ['src', 'tgt', '', 'data=ü']);
  b.add(Stage.CHILD, Op.UNSHARE, 'y', [0x20000000]);
  const buf = encodePlan(b.build());
  const d = decode(buf);
  assert.equal(d.magic, PLAN_MAGIC);
  assert.equal(d.cloneFlags, 0x10000000);
  assert.equal(d.waitMode, WaitMode.FOREGROUND);
  assert.equal(d.tty, 3);
  assert.equal(d.end, buf.length);
  assert.deepEqual(d.steps[0], { op: Op.MOUNT, stage: Stage.INIT, ints: [1n, -1n, 2n ** 63n - 1n], strs: ['src', 'tgt', '', 'data=ü'] });
  assert.deepEqual(d.steps[1], { op: Op.UNSHARE, stage: Stage.CHILD, ints: [0x20000000n], strs: [] });
});

test('integers reach the helper as i64 whatever their size or sign (numbers are not written as BigInts)', () => {
  const vals = [0, 1, -1, 2 ** 31, -(2 ** 31), 0xffffffff, 2 ** 32, 2 ** 32 + 5, -(2 ** 32) - 7, 123456789012, -98765432109, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER];
  const b = new PlanBuilder();
  b.add(Stage.INIT, Op.MOUNT, 'x', [...vals, -(2n ** 63n)]);
  assert.deepEqual(decode(encodePlan(b.build())).steps[0]!.ints, [...vals.map((v) => BigInt(v)), -(2n ** 63n)]);
});

test('slots run out with a clear internal error instead of overflowing the helper table', () => {
  const b = new PlanBuilder();
  for (let i = 0; i < 64; i++) b.slot();
  assert.throws(() => b.slot(), /too many fd slots/);
});

test('a step with more arguments than the wire format counts is refused, not written with a wrapped count', () => {
  const b = new PlanBuilder();
  b.add(Stage.INIT, Op.MOUNT, 'x', [], new Array<string>(0x10000).fill(''));
  assert.throws(() => encodePlan(b.build()), /plan step 0 has too many arguments/);
});
