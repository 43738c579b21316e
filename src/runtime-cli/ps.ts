import { spawnSync } from 'node:child_process';
import { containerPids } from '../runtime/lifecycle/query.ts';
import type { RuntimeContext } from '../runtime/lifecycle/context.ts';
import { UsageError } from '../lib/errors.ts';
import { out } from './output.ts';

// Like runc ps: json is the pid list; table runs ps(1) with the given arguments (default -ef)
// and keeps its header and the rows of the container's pids.
export function psCommand(ctx: RuntimeContext, id: string, psArgs: string[], o: { format: 'table' | 'json' }): void {
  const pids = containerPids(ctx, id);
  if (o.format === 'json') {
    if (psArgs.length > 0) throw new UsageError('ps arguments cannot be used with --format json');
    out(`${JSON.stringify(pids)}\n`);
    return;
  }
  // ps may complain and still print the table (procps under user-mode Linux cannot read the
  // boot time); only an empty answer is an error
  const r = spawnSync('ps', psArgs.length > 0 ? psArgs : ['-ef'], { encoding: 'utf8' });
  const text = r.stdout ?? '';
  if (!text.trim()) throw new UsageError(`ps ${psArgs.join(' ')} failed: ${(r.stderr ?? r.error?.message ?? '').trim()}`);
  const lines = text.split('\n');
  const header = lines[0] ?? '';
  const col = header.trim().split(/\s+/).indexOf('PID');
  if (col < 0) throw new UsageError('the ps output has no PID column: include one in the ps arguments');
  const wanted = new Set(pids);
  const rows = lines.slice(1).filter((l) => l.trim() && wanted.has(Number(l.trim().split(/\s+/)[col])));
  out(`${[header, ...rows].join('\n')}\n`);
}
