import type { MonitorHealth } from '../../runtime/index.ts';
import type { ContainerRecord } from '../container-types.ts';
import type { EngineContext } from '../engine-context.ts';
import { effectiveHealth } from './health-config.ts';

// What the container's monitor is told at start: run `berth container healthcheck <id>` every
// interval (the start interval during the start period). Nothing when there is no check.
export function monitorHealth(ctx: EngineContext, r: ContainerRecord): MonitorHealth | undefined {
  const h = effectiveHealth(r.Config.Healthcheck);
  if (!h) return undefined;
  const ms = (ns: number): number => Math.max(1, Math.round(ns / 1e6));
  return {
    intervalMs: ms(h.intervalNs),
    startIntervalMs: h.startPeriodNs > 0 ? ms(h.startIntervalNs) : 0,
    startPeriodMs: Math.round(h.startPeriodNs / 1e6),
    command: [...ctx.berthCommand, '--root', ctx.paths.root, '--runroot', ctx.paths.runroot, 'container', 'healthcheck', r.Id],
  };
}
