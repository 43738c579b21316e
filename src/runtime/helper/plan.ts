import { Op, Stage, WaitMode, MAX_SLOTS, PLAN_MAGIC, PLAN_VERSION } from './protocol.ts';
import { InternalError } from '../../lib/errors.ts';

// One step of the helper's plan. `what` says in a user's words where the step came from
// (`mounts[3] destination "/proc"`); only TypeScript knows config fields, so only it writes
// messages. It is not sent to the helper.
export interface PlanStep {
  op: Op;
  stage: Stage;
  ints: (number | bigint)[];
  strs: (string | Uint8Array)[];
  what: string;
}

export interface HelperPlan {
  flags?: number;
  cloneFlags: number;
  waitMode: WaitMode;
  ttyProxySlot: number;
  // slot of an fd of the cgroup v2 directory S1 is cloned into, or -1
  cgroupSlot: number;
  steps: PlanStep[];
}

// Accumulates steps and hands out fd slots. Plain data in, plain data out: plans are unit-tested
// without a kernel.
export class PlanBuilder {
  readonly steps: PlanStep[] = [];
  flags = 0;
  cloneFlags = 0;
  waitMode: WaitMode = WaitMode.DETACH;
  ttyProxySlot = -1;
  cgroupSlot = -1;
  #nextSlot = 0;

  slot(): number {
    if (this.#nextSlot >= MAX_SLOTS) throw new InternalError('the plan uses too many fd slots');
    return this.#nextSlot++;
  }

  add(stage: Stage, op: Op, what: string, ints: (number | bigint)[] = [], strs: (string | Uint8Array)[] = []): void {
    this.steps.push({ op, stage, ints, strs, what });
  }

  build(): HelperPlan {
    return { flags: this.flags, cloneFlags: this.cloneFlags, waitMode: this.waitMode, ttyProxySlot: this.ttyProxySlot, cgroupSlot: this.cgroupSlot, steps: this.steps };
  }
}

const encoder = new TextEncoder();

// The wire form decoded by native/plan.c: a header, then per step
// u16 op, u8 stage, u8 pad, u16 nint, u16 nstr, i64 ints[], (u32 len, bytes) strs[].
// Written through a DataView: Buffer's writeUInt32LE and friends check every argument in
// JavaScript, slow in a once-per-process call that is interpreted, never optimised. A plan of a
// hundred steps, first call in a fresh process: 1.6-3.8 ms with Buffer's, 0.9-1.1 with these.
export function encodePlan(plan: HelperPlan): Buffer {
  const strs = plan.steps.map((s) => s.strs.map((x) => (typeof x === 'string' ? encoder.encode(x) : x)));
  let size = 32;
  plan.steps.forEach((s, i) => {
    size += 8 + 8 * s.ints.length;
    for (const b of strs[i]!) size += 4 + b.length;
  });
  const buf = Buffer.alloc(size);
  const view = new DataView(buf.buffer, buf.byteOffset, size);
  view.setUint32(0, PLAN_MAGIC, true);
  view.setUint32(4, PLAN_VERSION, true);
  view.setUint32(8, plan.steps.length, true);
  view.setUint32(12, plan.flags ?? 0, true);
  view.setUint32(16, plan.cloneFlags >>> 0, true);
  view.setUint32(20, plan.waitMode, true);
  view.setInt32(24, plan.ttyProxySlot, true);
  view.setInt32(28, plan.cgroupSlot, true);
  let off = 32;
  plan.steps.forEach((step, i) => {
    if (step.ints.length > 0xffff || step.strs.length > 0xffff) throw new InternalError(`plan step ${i} has too many arguments`);
    view.setUint16(off, step.op, true);
    view.setUint8(off + 2, step.stage);
    view.setUint16(off + 4, step.ints.length, true);
    view.setUint16(off + 6, step.strs.length, true);
    off += 8;
    for (const v of step.ints) {
      // numbers (nearly all) as two 32-bit halves: a BigInt per value cost ~1 ms per plan
      if (typeof v === 'number' && Number.isSafeInteger(v)) {
        view.setUint32(off, v >>> 0, true);
        view.setInt32(off + 4, Math.floor(v / 0x100000000), true);
      } else {
        view.setBigInt64(off, BigInt.asIntN(64, BigInt(v)), true);
      }
      off += 8;
    }
    for (const b of strs[i]!) {
      view.setUint32(off, b.length, true);
      buf.set(b, off + 4);
      off += 4 + b.length;
    }
  });
  return buf;
}
