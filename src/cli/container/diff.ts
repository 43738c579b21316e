import { containerChanges } from '../../engine/workflow.ts';
import type { CliContext } from '../cli-context.ts';
import { out } from '../render/output.ts';
import { engineFor } from './engine-for.ts';
import { reportDaemonError } from './daemon-error.ts';

// docker diff: "<A|C|D> <path>" per change, sorted by path.
export async function diffCommand(ctx: CliContext, ref: string): Promise<number> {
  try {
    out(containerChanges(engineFor(ctx), ref).map((c) => `${c.kind} ${c.path}\n`).join(''));
    return 0;
  } catch (e) {
    return reportDaemonError(e);
  }
}
