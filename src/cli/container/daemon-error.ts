import { BerthError, messageOf } from '../../lib/errors.ts';
import { err, out } from '../render/output.ts';

// docker prints what its daemon refused as "Error response from daemon: <message>" and exits 1,
// whatever the kind of error (a bad name, a conflict, a missing container); berth's engine runs
// in-process but keeps that contract, since scripts match on it.
export function reportDaemonError(e: unknown): number {
  err(`Error response from daemon: ${e instanceof BerthError ? e.message : `internal error: ${messageOf(e)}`}\n`);
  return 1;
}

// Runs fn for one target, reporting a failure as docker does; returns the exit status.
export async function daemonCall(fn: () => Promise<void> | void): Promise<number> {
  try {
    await fn();
    return 0;
  } catch (e) {
    return reportDaemonError(e);
  }
}

// Commands on several containers (pause, unpause, update): each is tried; a success prints the
// name as given, a failure its error; the status is 1 if any failed (docker's errors.Join).
export async function eachTarget(refs: string[], fn: (ref: string) => Promise<void>): Promise<number> {
  let failed = false;
  for (const ref of refs) {
    try {
      await fn(ref);
      out(`${ref}\n`);
    } catch (e) {
      failed = true;
      reportDaemonError(e);
    }
  }
  return failed ? 1 : 0;
}
