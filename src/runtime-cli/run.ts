import { runContainer } from '../runtime/lifecycle/run.ts';
import type { RuntimeContext } from '../runtime/lifecycle/context.ts';
import { toCreateOptions, type CreateFlags } from './create.ts';

export async function runCommand(ctx: RuntimeContext, id: string, o: CreateFlags & { detach?: boolean; keep?: boolean }): Promise<number> {
  return runContainer(ctx, { ...toCreateOptions(id, o), detach: o.detach === true, keep: o.keep === true });
}
