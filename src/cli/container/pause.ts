import { pauseContainer, unpauseContainer } from '../../engine/workflow.ts';
import type { CliContext } from '../cli-context.ts';
import { engineFor } from './engine-for.ts';
import { eachTarget } from './daemon-error.ts';

export async function pauseCommand(ctx: CliContext, refs: string[]): Promise<number> {
  const engine = engineFor(ctx);
  return eachTarget(refs, (ref) => pauseContainer(engine, ref));
}

export async function unpauseCommand(ctx: CliContext, refs: string[]): Promise<number> {
  const engine = engineFor(ctx);
  return eachTarget(refs, (ref) => unpauseContainer(engine, ref));
}
