import { statsEvent, streamEvents } from '../runtime/lifecycle/events.ts';
import type { RuntimeContext } from '../runtime/lifecycle/context.ts';
import { parseDuration } from '../lib/units.ts';
import { out } from './output.ts';

export async function eventsCommand(ctx: RuntimeContext, id: string, o: { stats?: boolean; interval: string }): Promise<void> {
  if (o.stats) {
    out(`${statsEvent(ctx, id)}\n`);
    return;
  }
  await streamEvents(ctx, id, parseDuration(o.interval, '--interval'), (line) => out(`${line}\n`));
}
