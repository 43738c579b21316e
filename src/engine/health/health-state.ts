import type { ContainerRecord, HealthState } from '../container-types.ts';
import { MAX_LOG_ENTRIES, type EffectiveHealth } from './health-config.ts';

export interface ProbeResult {
  Start: string;
  End: string;
  ExitCode: number;
  Output: string;
}

// What a (re)start sets: starting, no failures yet; the log of earlier runs is kept, as docker
// keeps it.
export function resetHealth(r: ContainerRecord, configured: boolean): void {
  if (!configured) return;
  r.State.Health = { Status: 'starting', FailingStreak: 0, Log: r.State.Health?.Log ?? [] };
}

// docker's handleProbeResult: the result goes into the log (the last five kept); success makes
// the container healthy and clears the streak; a failure adds to the streak (not while it is
// still starting within its start period) and, at `retries` failures in a row, makes it
// unhealthy. A healthy container stays healthy until then.
export function applyProbeResult(r: ContainerRecord, result: ProbeResult, h: EffectiveHealth): HealthState {
  const health: HealthState = r.State.Health ?? { Status: 'starting', FailingStreak: 0, Log: [] };
  health.Log = [...health.Log, result].slice(-MAX_LOG_ENTRIES);
  if (result.ExitCode === 0) {
    health.FailingStreak = 0;
    health.Status = 'healthy';
  } else {
    const sinceStart = (Date.parse(result.Start) - Date.parse(r.State.StartedAt)) * 1e6;
    const inStartPeriod = health.Status === 'starting' && sinceStart < h.startPeriodNs;
    if (!inStartPeriod) {
      health.FailingStreak += 1;
      if (health.FailingStreak >= h.retries) health.Status = 'unhealthy';
    }
  }
  r.State.Health = health;
  return health;
}
