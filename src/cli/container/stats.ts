import { refreshAll, type ContainerRecord, type EngineContext } from '../../engine/index.ts';
import { cpuPercent, memoryPercent, sampleContainerStats, type StatsSample } from '../../engine/workflow.ts';
import { BerthError } from '../../lib/errors.ts';
import type { CliContext } from '../cli-context.ts';
import { renderFormatted } from '../render/format.ts';
import { goBytesSize, goHumanSize } from '../render/go-units.ts';
import { formatFloat } from '../render/go-template/format-float.ts';
import { err, out } from '../render/output.ts';
import { engineFor } from './engine-for.ts';
import { reportDaemonError } from './daemon-error.ts';

export interface StatsOptions {
  all?: boolean;
  noStream?: boolean;
  noTrunc?: boolean;
  format?: string;
  filter?: string[];
}

// docker collects a sample a second per container and computes CPU % from the last two
const INTERVAL_MS = 1000;

const percent = (v: number): string => `${formatFloat(v, 'f', 2)}%`;

// The fields of `docker stats --format`, as own properties so that `json` shows them.
export class StatsRow {
  readonly Container: string;
  readonly Name: string;
  readonly ID: string;
  readonly CPUPerc: string;
  readonly MemUsage: string;
  readonly MemPerc: string;
  readonly NetIO: string;
  readonly BlockIO: string;
  readonly PIDs: string;
  constructor(given: string, s: StatsSample, cpu: number, trunc: boolean) {
    this.Container = given;
    this.Name = s.name.replace(/^\//, '') || '--';
    this.ID = trunc ? s.id.slice(0, 12) : s.id;
    this.CPUPerc = percent(cpu);
    this.MemUsage = `${goBytesSize(s.memoryUsage)} / ${goBytesSize(s.memoryLimit)}`;
    this.MemPerc = percent(memoryPercent(s));
    this.NetIO = `${goHumanSize(s.networkRx)} / ${goHumanSize(s.networkTx)}`;
    this.BlockIO = `${goHumanSize(s.blockRead)} / ${goHumanSize(s.blockWrite)}`;
    this.PIDs = String(s.pids);
  }
}

const HEADERS = {
  '.Container': 'CONTAINER',
  '.Name': 'NAME',
  '.ID': 'CONTAINER ID',
  '.CPUPerc': 'CPU %',
  '.MemUsage': 'MEM USAGE / LIMIT',
  '.MemPerc': 'MEM %',
  '.NetIO': 'NET I/O',
  '.BlockIO': 'BLOCK I/O',
  '.PIDs': 'PIDS',
};
const DEFAULT_TABLE = '{{.ID}}\t{{.Name}}\t{{.CPUPerc}}\t{{.MemUsage}}\t{{.MemPerc}}\t{{.NetIO}}\t{{.BlockIO}}\t{{.PIDs}}';

const isLive = (r: ContainerRecord): boolean => r.State.Status === 'running' || r.State.Status === 'paused' || r.State.Status === 'restarting';

function labelFilters(filters: string[]): ((r: ContainerRecord) => boolean)[] {
  return filters.map((f) => {
    const i = f.indexOf('=');
    const key = i < 0 ? f : f.slice(0, i);
    if (key !== 'label') throw new BerthError('E_INVALID_FILTER', `invalid filter '${key}'`);
    const value = f.slice(i + 1);
    const j = value.indexOf('=');
    return (r) => (j < 0 ? value in r.Config.Labels : r.Config.Labels[value.slice(0, j)] === value.slice(j + 1));
  });
}

// Which containers to show now: the named ones (those that still exist), or every running one
// (every one with -a) matching the filters, as docker's list refreshed by its events.
async function targets(engine: EngineContext, named: string[], o: StatsOptions): Promise<{ given: string; record: ContainerRecord }[]> {
  const all = await refreshAll(engine);
  if (named.length > 0) {
    const out: { given: string; record: ContainerRecord }[] = [];
    for (const n of named) {
      const r = engine.store.find(n);
      const fresh = r && all.find((x) => x.Id === r.Id);
      if (fresh) out.push({ given: n, record: fresh });
    }
    return out;
  }
  const keep = labelFilters(o.filter ?? []);
  return all
    .filter((r) => (o.all || isLive(r)) && keep.every((k) => k(r)))
    .reverse()
    .map((r) => ({ given: r.Id, record: r }));
}

const sleep = (ms: number, signal: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(t);
      resolve();
    }, { once: true });
  });

// docker stats: CPU %, memory, network and block I/O and pids per container. --no-stream
// prints one table (from two readings a second apart, so CPU % means something); otherwise the
// table is redrawn every second: in place on a terminal (cursor home, each line cleared to its
// end, the rest of the screen cleared, as docker draws it), as successive tables on a pipe.
export async function statsCommand(ctx: CliContext, named: string[], o: StatsOptions): Promise<number> {
  const engine = engineFor(ctx);
  if (named.length > 0 && (o.filter?.length ?? 0) > 0) {
    err('Error: filtering is not supported when specifying a list of containers\n');
    return 1;
  }
  labelFilters(o.filter ?? []);
  if (named.length > 0) {
    let missing = false;
    for (const n of named) {
      try {
        engine.store.resolve(n);
      } catch (e) {
        missing = true;
        reportDaemonError(e);
      }
    }
    if (missing) return 1;
  }
  const previous = new Map<string, StatsSample>();
  const render = (list: { given: string; sample: StatsSample }[]): string =>
    renderFormatted(o.format, list.map((t) => new StatsRow(t.given, t.sample, cpuPercent(previous.get(t.sample.id), t.sample), o.noTrunc !== true)), { headers: HEADERS, defaultTable: DEFAULT_TABLE });
  const sampleAll = async (): Promise<{ given: string; sample: StatsSample }[]> =>
    Promise.all((await targets(engine, named, o)).map(async (t) => ({ given: t.given, sample: await sampleContainerStats(engine, t.record) })));
  const remember = (list: { sample: StatsSample }[]): void => {
    for (const t of list) previous.set(t.sample.id, t.sample);
  };

  if (o.noStream) {
    remember(await sampleAll());
    await sleep(INTERVAL_MS, ctx.signal);
    const list = await sampleAll();
    if (list.length > 0) out(render(list));
    return 0;
  }
  const tty = ctx.stdoutIsTTY;
  while (!ctx.signal.aborted) {
    const list = await sampleAll();
    if (list.length === 0 && named.length > 0) {
      if (tty) out('\x1b[H\x1b[J');
      return 0;
    }
    const table = render(list);
    if (tty) out(`\x1b[H${table.split('\n').slice(0, -1).map((l) => `${l}\x1b[K\n`).join('')}\x1b[J`);
    else out(table);
    remember(list);
    await sleep(INTERVAL_MS, ctx.signal);
  }
  return 0;
}
