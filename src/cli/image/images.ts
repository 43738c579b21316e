// docker images: a row per repository and tag of each image (a row per digest with --digests),
// <none> for images without names, newest first.
import type { CliContext } from '../cli-context.ts';
import { openImageStore } from '../../image/store/open-image-store.ts';
import { listImages } from '../../image/list-images.ts';
import { familiarName, parseReference } from '../../image/reference.ts';
import { renderFormatted } from '../render/format.ts';
import { humanSize, timeAgo } from '../render/units.ts';
import { out } from '../render/output.ts';
import { goTime } from '../render/go-time.ts';

export interface ImagesOptions {
  all?: boolean;
  quiet?: boolean;
  digests?: boolean;
  noTrunc?: boolean;
  filter?: string[];
  format?: string;
}

export interface ImageRow {
  ID: string;
  Repository: string;
  Tag: string;
  Digest: string;
  CreatedSince: string;
  CreatedAt: string;
  Size: string;
  SharedSize: string;
  UniqueSize: string;
  VirtualSize: string;
  Containers: string;
}

const HEADERS = {
  '.ID': 'IMAGE ID',
  '.Repository': 'REPOSITORY',
  '.Tag': 'TAG',
  '.Digest': 'DIGEST',
  '.CreatedSince': 'CREATED',
  '.CreatedAt': 'CREATED AT',
  '.Size': 'SIZE',
  '.SharedSize': 'SHARED SIZE',
  '.UniqueSize': 'UNIQUE SIZE',
  '.VirtualSize': 'VIRTUAL SIZE',
  '.Containers': 'CONTAINERS',
};

export async function imagesCommand(ctx: CliContext, repository: string | undefined, o: ImagesOptions): Promise<void> {
  const store = await openImageStore(ctx.root);
  const filters = [...(o.filter ?? [])];
  if (repository) filters.push(`reference=${repository}`);
  const images = listImages(store, filters);
  const rows: ImageRow[] = [];
  for (const img of images) {
    const base = {
      ID: o.noTrunc ? img.Id : img.Id.slice(7, 19),
      CreatedSince: timeAgo(img.CreatedAt),
      CreatedAt: goTime(img.CreatedAt),
      Size: humanSize(img.Size),
      SharedSize: 'N/A',
      UniqueSize: 'N/A',
      VirtualSize: humanSize(img.Size),
      Containers: 'N/A',
    };
    const tags = new Map<string, string[]>();
    const digests = new Map<string, string[]>();
    for (const t of img.RepoTags) {
      const r = parseReference(t);
      const n = familiarName(r);
      tags.set(n, [...(tags.get(n) ?? []), r.tag ?? 'latest']);
    }
    for (const d of img.RepoDigests) {
      const r = parseReference(d);
      const n = familiarName(r);
      digests.set(n, [...(digests.get(n) ?? []), r.digest!]);
    }
    let any = false;
    for (const [repo, ts] of tags) {
      const ds = digests.get(repo) ?? [];
      digests.delete(repo);
      for (const tag of ts) {
        if (o.digests && ds.length > 0) for (const d of ds) rows.push({ ...base, Repository: repo, Tag: tag, Digest: d });
        else rows.push({ ...base, Repository: repo, Tag: tag, Digest: ds[0] ?? '<none>' });
        any = true;
      }
    }
    for (const [repo, ds] of digests) {
      for (const d of o.digests ? ds : ds.slice(0, 1)) rows.push({ ...base, Repository: repo, Tag: '<none>', Digest: d });
      any = true;
    }
    if (!any) rows.push({ ...base, Repository: '<none>', Tag: '<none>', Digest: '<none>' });
  }
  if (o.quiet) {
    out(rows.map((r) => `${r.ID}\n`).join(''));
    return;
  }
  const defaultTable = o.digests
    ? '{{.Repository}}\t{{.Tag}}\t{{.Digest}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}'
    : '{{.Repository}}\t{{.Tag}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}';
  out(renderFormatted(o.format, rows, { defaultTable, headers: HEADERS }));
}
