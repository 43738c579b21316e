import { closeSync, openSync } from 'node:fs';
import { buildExternalMonitorPlan, type ExternalMonitorInput } from '../plan/external-monitor-plan.ts';
import { spawnHelper, errorFromHelper } from '../helper/spawn.ts';
import { MsgType } from '../helper/protocol.ts';
import { messageName } from '../helper/channel.ts';
import { InternalError } from '../../lib/errors.ts';

export type { ExternalMonitorInput } from '../plan/external-monitor-plan.ts';

// Starts the monitor of a container that an external OCI runtime creates (runc, crun): returns
// once the runtime's create has succeeded and the monitor has adopted its init (its pid), or
// throws with what the runtime said. The monitor outlives this process.
export async function monitorExternalRuntime(input: ExternalMonitorInput & { errorLog: string }): Promise<number> {
  const plan = buildExternalMonitorPlan(input);
  const errorLogFd = openSync(input.errorLog, 'a', 0o600);
  let helper;
  try {
    helper = spawnHelper(plan, { stdio: ['ignore', 'ignore', errorLogFd] });
  } finally {
    closeSync(errorLogFd);
  }
  let pid: number | undefined;
  try {
    for (;;) {
      const m = await helper.channel.next();
      if (m.type === MsgType.PID) pid = m.pid;
      else if (m.type === MsgType.CREATED) break;
      else if (m.type === MsgType.ERROR) throw errorFromHelper(plan, m.step, m.errno, m.detail);
      else throw new InternalError(`the monitor ended before the runtime created the container (${messageName(m)})`);
    }
  } catch (err) {
    helper.channel.close();
    await helper.exit;
    throw err;
  }
  if (pid === undefined) throw new InternalError('the monitor reported no container pid');
  helper.child?.unref();
  helper.channel.close();
  return pid;
}
