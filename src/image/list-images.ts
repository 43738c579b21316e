// The images of the store as docker's ImageSummary (GET /images/json) describes them, filtered
// as `docker images --filter` does: dangling, label, before, since, reference.
import { UsageError } from '../lib/errors.ts';
import type { ImageConfig } from '../oci/image-spec.ts';
import { familiarName, familiarString, parseReference } from './reference.ts';
import type { ImageStore } from './store/image-store.ts';
import type { ImageRecord } from './store/image-record.ts';

export interface ImageSummary {
  Id: string;
  ParentId: string;
  RepoTags: string[];
  RepoDigests: string[];
  Created: number;        // seconds since the epoch
  CreatedAt: string;
  Size: number;
  SharedSize: number;
  Labels: Record<string, string>;
  Containers: number;
  record: ImageRecord;
}

export function imageSize(r: ImageRecord): number {
  return r.layers.reduce((n, l) => n + l.unpackedSize, 0);
}

export function readConfig(store: ImageStore, r: ImageRecord): ImageConfig {
  return store.blobs.readJson<ImageConfig>(r.id);
}

export function listImages(store: ImageStore, filters: string[] = []): ImageSummary[] {
  const repos = store.repositories();
  const all = store.list().map((r): ImageSummary => {
    const config = readConfig(store, r);
    return {
      Id: r.id,
      ParentId: '',
      RepoTags: store.repoTags(r.id, repos).map((t) => familiarString(parseReference(t))),
      RepoDigests: store.repoDigests(r.id, repos).map((t) => familiarString(parseReference(t))),
      Created: Math.floor(Date.parse(r.created) / 1000) || 0,
      CreatedAt: r.created,
      Size: imageSize(r),
      SharedSize: -1,
      Labels: config.config?.Labels ?? {},
      Containers: -1,
      record: r,
    };
  });
  const keep = compileFilters(filters, (name) => {
    const found = store.find(name);
    if (!found) throw new UsageError(`invalid filter: no such image: ${name}`);
    return all.find((s) => s.Id === found.id)!;
  });
  return all.filter(keep).sort((a, b) => b.Created - a.Created || (a.Id < b.Id ? -1 : 1));
}

function globToRegExp(glob: string): RegExp {
  const re = glob.replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]');
  return new RegExp(`^${re}$`);
}

function compileFilters(filters: string[], lookup: (name: string) => ImageSummary): (s: ImageSummary) => boolean {
  const tests: ((s: ImageSummary) => boolean)[] = [];
  const byKey = new Map<string, string[]>();
  for (const f of filters) {
    const eq = f.indexOf('=');
    if (eq <= 0) throw new UsageError(`bad format of filter "${f}": expected name=value`);
    const key = f.slice(0, eq).toLowerCase();
    byKey.set(key, [...(byKey.get(key) ?? []), f.slice(eq + 1)]);
  }
  for (const [key, values] of byKey) {
    switch (key) {
      case 'dangling': {
        const v = values[values.length - 1]!.toLowerCase();
        if (!['true', 'false', '1', '0'].includes(v)) throw new UsageError(`invalid filter "dangling=${v}": expected true or false`);
        const want = v === 'true' || v === '1';
        tests.push((s) => (s.RepoTags.length === 0) === want);
        break;
      }
      case 'label':
        // every label filter must match
        for (const v of values) {
          const i = v.indexOf('=');
          const k = i < 0 ? v : v.slice(0, i);
          tests.push((s) => (i < 0 ? k in s.Labels : s.Labels[k] === v.slice(i + 1)));
        }
        break;
      case 'before':
      case 'since': {
        const ref = lookup(values[values.length - 1]!);
        tests.push((s) => (key === 'before' ? s.Created < ref.Created : s.Created > ref.Created));
        break;
      }
      case 'reference': {
        // any of the patterns, against the familiar name with and without the tag
        const res = values.map(globToRegExp);
        tests.push((s) =>
          [...s.RepoTags, ...s.RepoDigests].some((t) => {
            const name = familiarName(parseReference(t));
            return res.some((re) => re.test(t) || re.test(name));
          }),
        );
        break;
      }
      case 'until': {
        const t = parseUntil(values[values.length - 1]!);
        tests.push((s) => s.Created * 1000 < t);
        break;
      }
      default:
        throw new UsageError(`invalid filter "${key}": expected dangling, label, before, since, reference or until`);
    }
  }
  return (s) => tests.every((t) => t(s));
}

// `until` takes a timestamp or a Go duration before now (10m, 24h, 1h30m).
export function parseUntil(v: string): number {
  if (/^\d+(\.\d+)?$/.test(v)) return Number(v) * 1000;
  const d = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(v);
  if (d && v !== '') return Date.now() - ((Number(d[1] ?? 0) * 60 + Number(d[2] ?? 0)) * 60 + Number(d[3] ?? 0)) * 1000;
  const t = Date.parse(v);
  if (Number.isNaN(t)) throw new UsageError(`invalid filter "until=${v}": expected a timestamp or a duration such as 24h`);
  return t;
}
