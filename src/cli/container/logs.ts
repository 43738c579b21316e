import { writeSync } from 'node:fs';
import { LogFollower, refreshRecord, type LogEntry } from '../../engine/index.ts';
import { UsageError } from '../../lib/errors.ts';
import type { CliContext } from '../cli-context.ts';
import { engineFor } from './engine-for.ts';

export interface LogsOptions {
  follow?: boolean;
  tail?: string;
  since?: string;
  until?: string;
  timestamps?: boolean;
}

// docker's --since/--until: an RFC 3339 time, a Unix timestamp, or a duration before now (10m).
export function parseTimeArg(v: string, flag: string, now = Date.now()): number {
  if (/^\d+(\.\d+)?$/.test(v)) return Number(v) * 1000;
  const d = /^(\d+(?:\.\d+)?)(ns|us|ms|s|m|h)$/.exec(v);
  if (d) {
    const unit: Record<string, number> = { ns: 1e-6, us: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
    return now - Number(d[1]) * unit[d[2]!]!;
  }
  const t = Date.parse(v);
  if (Number.isNaN(t)) throw new UsageError(`invalid value for "${flag}": "${v}" is neither a timestamp, a date nor a duration`);
  return t;
}

function write(e: LogEntry, timestamps: boolean): void {
  const text = timestamps ? `${e.time} ${e.text}` : e.text;
  writeSync(e.stream === 'stderr' ? 2 : 1, text);
}

// docker logs from the monitor's rotated log: the container's output on our stdout and stderr
// as it wrote it; -f follows until the container stops.
export async function logsCommand(ctx: CliContext, ref: string, o: LogsOptions): Promise<void> {
  const engine = engineFor(ctx);
  const record = engine.store.resolve(ref);
  const since = o.since ? parseTimeArg(o.since, '--since') : -Infinity;
  const until = o.until ? parseTimeArg(o.until, '--until') : Infinity;
  if (o.tail !== undefined && o.tail !== 'all' && !/^\d+$/.test(o.tail)) throw new UsageError(`invalid value for "--tail": "${o.tail}" (expected a number or "all")`);
  const keep = (e: LogEntry): boolean => {
    const t = Date.parse(e.time);
    return t >= since && t <= until;
  };
  // one reader for what is there and what comes: nothing twice, nothing in between lost
  const reader = new LogFollower(record.LogPath);
  const isLive = async (): Promise<boolean> => {
    const r = engine.store.get(record.Id);
    return r !== undefined && ['running', 'paused', 'restarting'].includes((await refreshRecord(engine, r)).State.Status);
  };
  let live = o.follow === true && (await isLive());
  let entries = reader.poll({ final: !live }).filter(keep);
  if (o.tail !== undefined && o.tail !== 'all') entries = Number(o.tail) === 0 ? [] : entries.slice(-Number(o.tail));
  for (const e of entries) write(e, o.timestamps === true);
  while (live && !ctx.signal.aborted) {
    await new Promise((res) => setTimeout(res, 100));
    live = await isLive();
    // after the stop: the rest, the monitor having written it before the exit was recorded
    for (const e of reader.poll({ final: !live })) if (keep(e)) write(e, o.timestamps === true);
  }
}
