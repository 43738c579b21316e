import { createContainerProcess, createContainer, type CreateOptions } from './create.ts';
import { releaseInit, runPoststart, startContainer } from './start.ts';
import { deleteContainer } from './delete.ts';
import { errorFromHelper } from '../helper/spawn.ts';
import { MsgType } from '../helper/protocol.ts';
import { forwardSignals, exitCodeOf } from '../../lib/proc/signals.ts';
import { InternalError, type BerthError } from '../../lib/errors.ts';
import type { RuntimeContext } from './context.ts';
import { mark } from '../../lib/trace.ts';

export interface RunOptions extends CreateOptions {
  detach?: boolean;
  // keep the stopped container instead of deleting it (runc run --keep)
  keep?: boolean;
}

// create + start + wait (+ delete), as `runc run`. Returns the container's exit code: its status,
// or 128 + the signal that killed it.
export async function runContainer(ctx: RuntimeContext, opts: RunOptions): Promise<number> {
  if (opts.detach) {
    await createContainer(ctx, opts);
    try {
      await startContainer(ctx, opts.id);
    } catch (err) {
      await deleteContainer(ctx, opts.id, { force: true }).catch(() => {});
      throw err;
    }
    return 0;
  }
  const { record, helper, plan } = await createContainerProcess(ctx, opts, true);
  const stop = forwardSignals(
    () => record.pid,
    () => helper.child?.pid,
  );
  let failure: BerthError | undefined;
  let status: number | undefined;
  try {
    releaseInit(ctx.root, opts.id);
    await runPoststart(ctx, record);
    for (;;) {
      const m = await helper.channel.next();
      mark(`run: message ${m.type}`);
      if (m.type === MsgType.ERROR) failure = errorFromHelper(plan, m.step, m.errno, m.detail);
      else if (m.type === MsgType.WARNING) ctx.log.warn(m.detail);
      else if (m.type === MsgType.EXITED) status = m.status;
      else if (m.type === 'eof') break;
    }
    await helper.exit;
  } finally {
    stop();
    mark('run: exited');
    if (!opts.keep) await deleteContainer(ctx, opts.id, { force: true });
    mark('run: deleted');
  }
  if (failure) throw failure;
  if (status === undefined) throw new InternalError('the helper exited without reporting the container\'s exit status');
  return exitCodeOf(status);
}
