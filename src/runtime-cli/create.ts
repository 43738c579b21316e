import { createContainer } from '../runtime/lifecycle/create.ts';
import type { RuntimeContext } from '../runtime/lifecycle/context.ts';

export interface CreateFlags {
  bundle: string;
  consoleSocket?: string;
  pidFile?: string;
  pivot: boolean;
  newKeyring: boolean;
  preserveFds: number;
}

export function toCreateOptions(id: string, o: CreateFlags) {
  return {
    id,
    bundle: o.bundle,
    ...(o.consoleSocket ? { consoleSocket: o.consoleSocket } : {}),
    ...(o.pidFile ? { pidFile: o.pidFile } : {}),
    noPivot: o.pivot === false,
    noNewKeyring: o.newKeyring === false,
    preserveFds: o.preserveFds,
  };
}

export async function createCommand(ctx: RuntimeContext, id: string, o: CreateFlags): Promise<void> {
  await createContainer(ctx, toCreateOptions(id, o));
}
