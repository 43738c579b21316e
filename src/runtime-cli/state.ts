import { containerState } from '../runtime/lifecycle/query.ts';
import type { RuntimeContext } from '../runtime/lifecycle/context.ts';
import { out } from './output.ts';

export function stateCommand(ctx: RuntimeContext, id: string): void {
  out(`${JSON.stringify(containerState(ctx, id), null, '  ')}\n`);
}
