import { spawnSync } from 'node:child_process';
import { BerthError, ConflictError, UsageError } from '../../lib/errors.ts';
import type { EngineContext } from '../engine-context.ts';
import { driverFor } from '../runtime-driver/index.ts';
import { refreshRecord } from '../lifecycle/repair.ts';

export interface TopResult {
  Titles: string[];
  Processes: string[][];
}

// docker top: the host's ps(1) with the user's options (docker's default -ef), narrowed to the
// container's processes (its cgroup's pids). As docker does, `-q <pids>` is tried first (fast
// on a busy host) and dropped when the options cannot take it (f, for one).
export async function containerTop(ctx: EngineContext, ref: string, psArgs: string[]): Promise<TopResult> {
  const args = psArgs.length > 0 ? psArgs.join(' ').split(' ') : ['-ef'];
  checkPsArgs(args.join(' '));
  const r = await refreshRecord(ctx, ctx.store.resolve(ref));
  if (r.State.Status === 'restarting') throw new ConflictError('E_CONTAINER_RESTARTING', `Container ${r.Id} is restarting, wait until the container is running`);
  if (r.State.Status !== 'running' && r.State.Status !== 'paused') throw new ConflictError('E_CONTAINER_NOT_RUNNING', `container ${r.Id} is not running`);
  const pids = await (await driverFor(ctx, r)).pids(r.Id);
  let ps = spawnSync('ps', [...args, `-q${pids.join(',')}`], { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (ps.status !== 0) ps = spawnSync('ps', args, { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (ps.error) throw new BerthError('E_PS_FAILED', `ps: ${ps.error.message}`);
  if (ps.status !== 0) throw new BerthError('E_PS_FAILED', `ps: ${ps.stderr.split('\n')[0] || `exit status ${ps.status}`}`);
  return parsePsOutput(ps.stdout, new Set(pids));
}

// docker refuses options that would rename the PID column (-o pid=X keeps it findable only as PID)
function checkPsArgs(text: string): void {
  for (const m of ` ${text}`.matchAll(/\s+([^\s]*)=\s*(PID[^\s]*)/g)) {
    if (m[1] !== 'pid') throw new UsageError(`specifying "${m[1]}=${m[2]}" is not allowed`);
  }
}

const fields = (line: string): string[] => line.split(/[\t\n\f\r ]+/).filter((f) => f !== '');

// ps's header gives the titles; each line is split on ASCII blanks, the overhanging fields
// joined into the last column (the command). Thread lines (PID "-") follow their process.
export function parsePsOutput(output: string, pids: Set<number>): TopResult {
  const lines = output.split('\n');
  const titles = fields(lines[0] ?? '');
  const pidIndex = titles.indexOf('PID');
  if (pidIndex < 0) throw new BerthError('E_PS_NO_PID', "Couldn't find PID field in ps output");
  const out: TopResult = { Titles: titles, Processes: [] };
  const add = (f: string[]): void => {
    out.Processes.push([...f.slice(0, titles.length - 1), f.slice(titles.length - 1).join(' ')]);
  };
  let previousMatched = false;
  for (const line of lines.slice(1)) {
    if (line === '') continue;
    const f = fields(line);
    const pidField = f[pidIndex] ?? '';
    if (pidField === '-') {
      if (previousMatched) add(f);
      continue;
    }
    if (!/^\d+$/.test(pidField)) throw new BerthError('E_PS_BAD_PID', `Unexpected pid '${pidField}'`);
    previousMatched = pids.has(Number(pidField));
    if (previousMatched) add(f);
  }
  return out;
}
