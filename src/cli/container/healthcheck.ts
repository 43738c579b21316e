import { runHealthCheck } from '../../engine/workflow.ts';
import type { CliContext } from '../cli-context.ts';
import { out } from '../render/output.ts';
import { engineFor } from './engine-for.ts';
import { reportDaemonError } from './daemon-error.ts';

// `berth container healthcheck <container>`: one run of the container's health check, recorded
// in its State.Health (the container's monitor runs this on its timer). Prints the health after
// it ("healthy", "unhealthy", "starting"); exits 0 only when healthy, like podman's
// `healthcheck run`.
export async function healthcheckCommand(ctx: CliContext, ref: string): Promise<number> {
  try {
    const health = await runHealthCheck(engineFor(ctx), ref);
    if (!health) {
      out('none\n');
      return 1;
    }
    out(`${health.Status}\n`);
    return health.Status === 'healthy' ? 0 : 1;
  } catch (e) {
    return reportDaemonError(e);
  }
}
