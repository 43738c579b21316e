import { createVolume, inspectVolume, listVolumes, pruneVolumes, removeVolume, type VolumeListItem } from '../../engine/workflow.ts';
import { BerthError, UsageError } from '../../lib/errors.ts';
import type { CliContext } from '../cli-context.ts';
import { engineFor } from '../container/engine-for.ts';
import { reportDaemonError } from '../container/daemon-error.ts';
import { parsePruneFilters } from '../container/prune-filters.ts';
import { confirm } from '../render/confirm.ts';
import { renderFormatted } from '../render/format.ts';
import { formatObjects } from '../render/format-object.ts';
import { goHumanSize } from '../render/go-units.ts';
import { err, out } from '../render/output.ts';

function keyValues(list: string[], flag: string): Record<string, string> {
  const r: Record<string, string> = {};
  for (const kv of list) {
    const i = kv.indexOf('=');
    if (flag === '--opt' && i <= 0) throw new UsageError(`invalid argument "${kv}" for "-o, --opt" flag: expected key=value`);
    r[i < 0 ? kv : kv.slice(0, i)] = i < 0 ? '' : kv.slice(i + 1);
  }
  return r;
}

// docker volume create [NAME]: prints the volume's name.
export async function volumeCreateCommand(ctx: CliContext, name: string | undefined, o: { driver?: string; label?: string[]; opt?: string[]; name?: string }): Promise<number> {
  const n = name ?? o.name;
  if (name !== undefined && o.name !== undefined && name !== o.name) {
    err(`Error: conflicting options: either specify --name or provide positional arg, not both\n`);
    return 1;
  }
  try {
    const v = createVolume(engineFor(ctx), { ...(n !== undefined ? { name: n } : {}), ...(o.driver ? { driver: o.driver } : {}), labels: keyValues(o.label ?? [], '--label'), options: keyValues(o.opt ?? [], '--opt') });
    out(`${v.Name}\n`);
    return 0;
  } catch (e) {
    return reportDaemonError(e);
  }
}

// The fields of `docker volume ls --format`, as own properties so that `json` shows them.
// Links and Size are docker's "N/A": they are measured only by `system df -v`.
export class VolumeRow {
  readonly Name: string;
  readonly Driver: string;
  readonly Scope: string;
  readonly Mountpoint: string;
  readonly Labels: string;
  readonly Links = 'N/A';
  readonly Size = 'N/A';
  readonly Group = 'N/A';
  readonly Availability = 'N/A';
  readonly Status = 'N/A';
  readonly #labels: Record<string, string>;
  constructor(v: VolumeListItem) {
    this.Name = v.Name;
    this.Driver = v.Driver;
    this.Scope = v.Scope;
    this.Mountpoint = v.Mountpoint;
    this.Labels = Object.entries(v.Labels).map(([k, x]) => `${k}=${x}`).sort().join(',');
    this.#labels = v.Labels;
  }
  Label(name: string): string {
    return this.#labels[name] ?? '';
  }
}

const HEADERS = {
  '.Name': 'VOLUME NAME',
  '.Driver': 'DRIVER',
  '.Scope': 'SCOPE',
  '.Mountpoint': 'MOUNTPOINT',
  '.Labels': 'LABELS',
  '.Links': 'LINKS',
  '.Size': 'SIZE',
  '.Group': 'GROUP',
  '.Availability': 'AVAILABILITY',
  '.Status': 'STATUS',
};

function parseLsFilters(list: string[]): Parameters<typeof listVolumes>[1] {
  const f: Parameters<typeof listVolumes>[1] = { names: [], labels: [], drivers: [] };
  for (const item of list) {
    const i = item.indexOf('=');
    if (i <= 0) throw new BerthError('E_INVALID_FILTER', `bad format of filter (expected name=value): ${item}`);
    const key = item.slice(0, i);
    const value = item.slice(i + 1);
    switch (key) {
      case 'dangling':
        if (!['true', 'false', '1', '0'].includes(value.toLowerCase())) throw new BerthError('E_INVALID_FILTER', `invalid filter 'dangling=${value}'`);
        f.dangling = value.toLowerCase() === 'true' || value === '1';
        break;
      case 'name':
        f.names.push(value);
        break;
      case 'driver':
        f.drivers.push(value);
        break;
      case 'label': {
        const j = value.indexOf('=');
        f.labels.push({ key: j < 0 ? value : value.slice(0, j), ...(j < 0 ? {} : { value: value.slice(j + 1) }) });
        break;
      }
      default:
        throw new BerthError('E_INVALID_FILTER', `invalid filter '${key}'`);
    }
  }
  return f;
}

// docker volume ls: "DRIVER VOLUME NAME" by name; -q names only.
export async function volumeLsCommand(ctx: CliContext, o: { quiet?: boolean; filter?: string[]; format?: string }): Promise<number> {
  let items: VolumeListItem[];
  try {
    items = listVolumes(engineFor(ctx), parseLsFilters(o.filter ?? []));
  } catch (e) {
    return reportDaemonError(e);
  }
  const rows = items.map((v) => new VolumeRow(v));
  if (o.quiet && (o.format === undefined || o.format === 'table')) {
    out(rows.map((r) => `${r.Name}\n`).join(''));
    return 0;
  }
  out(renderFormatted(o.format, rows, { headers: HEADERS, defaultTable: '{{.Driver}}\t{{.Name}}' }));
  return 0;
}

// docker volume inspect: a JSON array (or a template per volume); missing ones are errors.
export async function volumeInspectCommand(ctx: CliContext, names: string[], o: { format?: string }): Promise<number> {
  const engine = engineFor(ctx);
  const found: unknown[] = [];
  let failed = false;
  for (const n of names) {
    try {
      found.push(inspectVolume(engine, n));
    } catch (e) {
      failed = true;
      reportDaemonError(e);
    }
  }
  if (o.format && o.format !== 'json') out(formatObjects(o.format, found));
  else out(`${JSON.stringify(found, null, 4)}\n`);
  return failed ? 1 : 0;
}

// docker volume rm: each name printed as it goes; a volume in use is refused.
export async function volumeRmCommand(ctx: CliContext, names: string[], o: { force?: boolean }): Promise<number> {
  const engine = engineFor(ctx);
  let failed = false;
  for (const n of names) {
    try {
      removeVolume(engine, n, o.force === true);
      out(`${n}\n`);
    } catch (e) {
      failed = true;
      reportDaemonError(e);
    }
  }
  return failed ? 1 : 0;
}

// docker volume prune: anonymous volumes no container uses (every unused one with -a).
export async function volumePruneCommand(ctx: CliContext, o: { all: boolean; force: boolean; filters: string[] }): Promise<number> {
  const filters = parsePruneFilters(o.filters.filter((f) => !f.startsWith('all=')), ['label', 'label!']);
  const all = o.all || o.filters.some((f) => /^all=(true|1)$/i.test(f));
  const what = all ? 'all local volumes' : 'anonymous local volumes';
  if (!o.force && !confirm(`WARNING! This will remove ${what} not used by at least one container.\nAre you sure you want to continue?`)) return 0;
  try {
    const r = pruneVolumes(engineFor(ctx), { all, filters });
    if (r.deleted.length > 0) out(`Deleted Volumes:\n${r.deleted.map((n) => `${n}\n`).join('')}\n`);
    out(`Total reclaimed space: ${goHumanSize(r.bytes, 4)}\n`);
    return 0;
  } catch (e) {
    return reportDaemonError(e);
  }
}
