import { refreshAll, type ContainerRecord } from '../../engine/index.ts';
import { openImageStore } from '../../image/store/open-image-store.ts';
import { UsageError } from '../../lib/errors.ts';
import type { CliContext } from '../cli-context.ts';
import { renderFormatted } from '../render/format.ts';
import { humanDuration } from '../render/units.ts';
import { goTime } from '../render/go-time.ts';
import { out } from '../render/output.ts';
import { engineFor } from './engine-for.ts';

export interface PsOptions {
  all?: boolean;
  quiet?: boolean;
  last?: string;
  latest?: boolean;
  size?: boolean;
  noTrunc?: boolean;
  filter?: string[];
  format?: string;
}

// docker's strings.Ellipsis: at most n characters, the last one an ellipsis
function ellipsis(s: string, n: number): string {
  const chars = [...s];
  return chars.length > n ? `${chars.slice(0, n - 1).join('')}…` : s;
}

export function statusText(r: ContainerRecord, now = Date.now()): string {
  const s = r.State;
  const ago = (iso: string): string => `${humanDuration(Math.max(0, now - Date.parse(iso)))} ago`;
  switch (s.Status) {
    case 'running':
    case 'paused': {
      const health = s.Health && s.Health.Status !== 'none' ? ` (${s.Health.Status === 'starting' ? 'health: starting' : s.Health.Status})` : '';
      return `Up ${humanDuration(Math.max(0, now - Date.parse(s.StartedAt)))}${s.Status === 'paused' ? ' (Paused)' : health}`;
    }
    case 'restarting':
      return `Restarting (${s.ExitCode}) ${ago(s.FinishedAt)}`;
    case 'exited':
      return `Exited (${s.ExitCode}) ${ago(s.FinishedAt)}`;
    case 'removing':
      return 'Removal In Progress';
    case 'dead':
      return 'Dead';
    default:
      return 'Created';
  }
}

// The fields of `docker ps --format`.
export class PsRow {
  readonly #r: ContainerRecord;
  readonly #trunc: boolean;
  constructor(r: ContainerRecord, trunc: boolean) {
    this.#r = r;
    this.#trunc = trunc;
  }
  get ID(): string {
    return this.#trunc ? this.#r.Id.slice(0, 12) : this.#r.Id;
  }
  get Image(): string {
    const i = this.#r.Config.Image;
    return this.#trunc && /^sha256:[0-9a-f]{64}$/.test(i) ? i.slice(7, 19) : i;
  }
  get Command(): string {
    const cmd = [this.#r.Path, ...this.#r.Args].join(' ');
    return JSON.stringify(this.#trunc ? ellipsis(cmd, 20) : cmd);
  }
  get CreatedAt(): string {
    return goTime(this.#r.Created);
  }
  get RunningFor(): string {
    return `${humanDuration(Math.max(0, Date.now() - Date.parse(this.#r.Created)))} ago`;
  }
  get Ports(): string {
    return '';
  }
  get State(): string {
    return this.#r.State.Status;
  }
  get Status(): string {
    return statusText(this.#r);
  }
  get Size(): string {
    return '0B';
  }
  get Names(): string {
    return this.#r.Name.slice(1);
  }
  get Labels(): string {
    return Object.entries(this.#r.Config.Labels).map(([k, v]) => `${k}=${v}`).join(',');
  }
  Label(key: string): string {
    return this.#r.Config.Labels[key] ?? '';
  }
  get Mounts(): string {
    return this.#r.Mounts.map((m) => (m.Type === 'volume' ? (m.Name ?? '') : m.Source)).join(',');
  }
  get Networks(): string {
    return Object.keys(this.#r.NetworkSettings.Networks).join(',');
  }
  get LocalVolumes(): string {
    return String(this.#r.Mounts.filter((m) => m.Type === 'volume').length);
  }
  // `--format json`: every field, keys sorted, as docker marshals its container context (the
  // getters above live on the prototype, which `{{json .}}` does not look at)
  toPlain(): Record<string, string> {
    const names = ['Command', 'CreatedAt', 'ID', 'Image', 'Labels', 'LocalVolumes', 'Mounts', 'Names', 'Networks', 'Ports', 'RunningFor', 'Size', 'State', 'Status'] as const;
    return Object.fromEntries(names.map((n) => [n, this[n]]));
  }
}

const HEADERS = {
  '.ID': 'CONTAINER ID',
  '.Image': 'IMAGE',
  '.Command': 'COMMAND',
  '.CreatedAt': 'CREATED AT',
  '.RunningFor': 'CREATED',
  '.Ports': 'PORTS',
  '.State': 'STATE',
  '.Status': 'STATUS',
  '.Size': 'SIZE',
  '.Names': 'NAMES',
  '.Labels': 'LABELS',
  '.Mounts': 'MOUNTS',
  '.Networks': 'NETWORKS',
  '.LocalVolumes': 'LOCAL VOLUMES',
};

function matches(r: ContainerRecord, filter: string, imageIds: Map<string, string | undefined>): boolean {
  const i = filter.indexOf('=');
  if (i < 0) throw new UsageError(`bad format of filter (expected name=value): ${filter}`);
  const key = filter.slice(0, i);
  const value = filter.slice(i + 1);
  switch (key) {
    case 'id':
      return r.Id.startsWith(value);
    case 'name':
      return new RegExp(value).test(r.Name.slice(1));
    case 'status':
      if (!['created', 'restarting', 'running', 'removing', 'paused', 'exited', 'dead'].includes(value)) throw new UsageError(`invalid filter 'status=${value}'`);
      return r.State.Status === value;
    case 'exited':
      return r.State.Status === 'exited' && String(r.State.ExitCode) === value;
    case 'label': {
      const j = value.indexOf('=');
      return j < 0 ? value in r.Config.Labels : r.Config.Labels[value.slice(0, j)] === value.slice(j + 1);
    }
    case 'ancestor': {
      // by what the user typed, or by the image that name stands for now (busybox:latest,
      // docker.io/library/busybox and an id prefix all mean the image of `run busybox`)
      const resolved = imageIds.get(value);
      return r.Config.Image === value || r.Image === value || (resolved !== undefined && r.Image === resolved) || (/^[0-9a-f]+$/.test(value) && r.Image.slice(7).startsWith(value));
    }
    case 'volume':
      return r.Mounts.some((m) => m.Name === value || m.Source === value || m.Target === value);
    case 'health':
      if (!['starting', 'healthy', 'unhealthy', 'none'].includes(value)) throw new UsageError(`Unrecognised filter value for health: ${value}`);
      return (r.State.Health?.Status ?? 'none') === value;
    case 'before':
    case 'since':
      return true;
    default:
      throw new UsageError(`invalid filter '${key}'`);
  }
}

export async function psCommand(ctx: CliContext, o: PsOptions): Promise<void> {
  const engine = engineFor(ctx);
  let records = await refreshAll(engine);
  const n = o.last !== undefined ? Number(o.last) : o.latest ? 1 : -1;
  if (!o.all && n < 0) records = records.filter((r) => r.State.Status === 'running' || r.State.Status === 'paused' || r.State.Status === 'restarting');
  const imageIds = new Map<string, string | undefined>();
  for (const f of o.filter ?? []) {
    if (!f.startsWith('ancestor=')) continue;
    const images = await openImageStore(ctx.root);
    const name = f.slice('ancestor='.length);
    try {
      imageIds.set(name, images.find(name)?.id);
    } catch {
      // an ambiguous prefix: matched as text only
    }
  }
  for (const f of o.filter ?? []) {
    const [key, value = ''] = [f.slice(0, f.indexOf('=')), f.slice(f.indexOf('=') + 1)];
    const all = records;
    if (key === 'before' || key === 'since') {
      const ref = engine.store.resolve(value);
      records = all.filter((r) => (key === 'before' ? r.Created < ref.Created : r.Created > ref.Created));
    } else records = records.filter((r) => matches(r, f, imageIds));
  }
  if (n >= 0) records = records.slice(0, n);
  const rows = records.map((r) => new PsRow(r, o.noTrunc !== true));
  if (o.format === 'json') {
    out(renderFormatted(o.format, rows.map((r) => r.toPlain()), { headers: HEADERS, defaultTable: '' }));
    return;
  }
  if (o.quiet) {
    out(rows.map((r) => `${r.ID}\n`).join(''));
    return;
  }
  const def = `{{.ID}}\t{{.Image}}\t{{.Command}}\t{{.RunningFor}}\t{{.Status}}\t{{.Ports}}\t{{.Names}}${o.size ? '\t{{.Size}}' : ''}`;
  out(renderFormatted(o.format, rows, { headers: HEADERS, defaultTable: def }));
}
