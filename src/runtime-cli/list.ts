import { listContainers } from '../runtime/lifecycle/query.ts';
import type { RuntimeContext } from '../runtime/lifecycle/context.ts';
import { out, tabwriter } from './output.ts';

export function listCommand(ctx: RuntimeContext, o: { format: 'table' | 'json'; quiet?: boolean }): void {
  const states = listContainers(ctx);
  if (o.quiet) {
    out(states.map((s) => `${s.id}\n`).join(''));
  } else if (o.format === 'json') {
    out(`${JSON.stringify(states)}\n`);
  } else {
    const rows = [['ID', 'PID', 'STATUS', 'BUNDLE', 'CREATED', 'OWNER']];
    for (const s of states) rows.push([s.id, String(s.pid ?? 0), s.status, s.bundle, String(s['created'] ?? ''), String(s['owner'] ?? '')]);
    out(tabwriter(rows));
  }
}
