import { spawnHelper, errorFromHelper } from '../../src/runtime/helper/spawn.ts';
import type { HelperPlan } from '../../src/runtime/helper/plan.ts';
import { MsgType } from '../../src/runtime/helper/protocol.ts';

// Runs a plan through the real helper and returns the errors it reported (as the runtime would
// word them) and its exit code. For plans of PARENT_PRE steps only, such as OP_BPF_DEVICES.
export async function runHelperPlan(plan: HelperPlan): Promise<{ errors: string[]; code: number | null }> {
  const h = spawnHelper(plan);
  const errors: string[] = [];
  for (;;) {
    const m = await h.channel.next();
    if (m.type === 'eof') break;
    if (m.type === MsgType.ERROR) errors.push(errorFromHelper(plan, m.step, m.errno, m.detail).message);
  }
  const code = await h.exit;
  h.channel.close();
  return { errors, code };
}
