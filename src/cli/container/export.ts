import { exportContainer } from '../../engine/workflow.ts';
import type { CliContext } from '../cli-context.ts';
import { err } from '../render/output.ts';
import { writeBytes } from '../render/byte-sink.ts';
import { engineFor } from './engine-for.ts';
import { reportDaemonError } from './daemon-error.ts';

// docker export: the container's filesystem as a tar, to stdout (never a terminal) or -o FILE.
export async function exportCommand(ctx: CliContext, ref: string, o: { output?: string }): Promise<number> {
  if (!o.output && ctx.stdoutIsTTY) {
    err('Error: cowardly refusing to save to a terminal. Use the -o flag or redirect\n');
    return 1;
  }
  try {
    await exportContainer(engineFor(ctx), ref, (tar) => writeBytes(tar, o.output));
    return 0;
  } catch (e) {
    return reportDaemonError(e);
  }
}
