import { commitContainer } from '../../engine/workflow.ts';
import type { CliContext } from '../cli-context.ts';
import { out } from '../render/output.ts';
import { engineFor } from './engine-for.ts';
import { reportDaemonError } from './daemon-error.ts';

export interface CommitFlags {
  author?: string;
  message?: string;
  change?: string[];
  pause: boolean;
}

// docker commit: prints the new image's id.
export async function commitCommand(ctx: CliContext, ref: string, reference: string | undefined, o: CommitFlags): Promise<number> {
  try {
    const id = await commitContainer(engineFor(ctx), ref, {
      ...(reference ? { reference } : {}),
      ...(o.message !== undefined ? { message: o.message } : {}),
      ...(o.author !== undefined ? { author: o.author } : {}),
      changes: o.change ?? [],
      pause: o.pause,
    });
    out(`${id}\n`);
    return 0;
  } catch (e) {
    return reportDaemonError(e);
  }
}
