import type { EngineContext } from '../engine-context.ts';

export interface PortBinding {
  HostIp: string;
  HostPort: string;
}

// docker port's data: NetworkSettings.Ports, "<port>/<proto>" -> host bindings. berth publishes
// no ports yet (no bridge network), so every container's map is empty.
export function containerPortBindings(ctx: EngineContext, ref: string): Record<string, PortBinding[] | null> {
  const r = ctx.store.resolve(ref);
  return (r.NetworkSettings.Ports ?? {}) as Record<string, PortBinding[] | null>;
}
