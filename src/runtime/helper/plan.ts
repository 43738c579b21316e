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
export function encodePlan(plan: HelperPlan): Buffer {
  const strs = plan.steps.map((s) => s.strs.map((x) => (typeof x === 'string' ? encoder.encode(x) : x)));
  let size = 32;
  plan.steps.forEach((s, i) => {
    size += 8 + 8 * s.ints.length;
    for (const b of strs[i]!) size += 4 + b.length;
  });
  const buf = Buffer.alloc(size);
  buf.writeUInt32LE(PLAN_MAGIC, 0);
  buf.writeUInt32LE(PLAN_VERSION, 4);
  buf.writeUInt32LE(plan.steps.length, 8);
  buf.writeUInt32LE(plan.flags ?? 0, 12);
  buf.writeUInt32LE(plan.cloneFlags >>> 0, 16);
  buf.writeUInt32LE(plan.waitMode, 20);
  buf.writeInt32LE(plan.ttyProxySlot, 24);
  buf.writeInt32LE(plan.cgroupSlot, 28);
  let off = 32;
  plan.steps.forEach((step, i) => {
    buf.writeUInt16LE(step.op, off);
    buf.writeUInt8(step.stage, off + 2);
    buf.writeUInt16LE(step.ints.length, off + 4);
    buf.writeUInt16LE(step.strs.length, off + 6);
    off += 8;
    for (const v of step.ints) {
      // numbers (nearly all) as two 32-bit halves: a BigInt per value cost ~1 ms per plan
      if (typeof v === 'number' && Number.isSafeInteger(v)) {
        buf.writeUInt32LE(v >>> 0, off);
        buf.writeInt32LE(Math.floor(v / 0x100000000), off + 4);
      } else {
        buf.writeBigInt64LE(BigInt.asIntN(64, BigInt(v)), off);
      }
      off += 8;
    }
    for (const b of strs[i]!) {
      buf.writeUInt32LE(b.length, off);
      buf.set(b, off + 4);
      off += 4 + b.length;
    }
  });
  return buf;
}
