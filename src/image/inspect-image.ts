// docker image inspect's document (the Engine API's ImageInspect), from the record and config.
import type { ImageConfig } from '../oci/image-spec.ts';
import { familiarString, parseReference } from './reference.ts';
import { imageSize, readConfig } from './list-images.ts';
import type { ImageStore } from './store/image-store.ts';
import type { ImageRecord } from './store/image-record.ts';

export interface ImageInspect {
  Id: string;
  RepoTags: string[];
  RepoDigests: string[];
  Parent: string;
  Comment: string;
  Created: string;
  DockerVersion: string;
  Author: string;
  Config: Record<string, unknown>;
  Architecture: string;
  Variant?: string;
  Os: string;
  OsVersion?: string;
  Size: number;
  GraphDriver: { Data: Record<string, string> | null; Name: string };
  RootFS: { Type: string; Layers: string[] };
  Metadata: { LastTagTime: string };
  Descriptor: { mediaType: string; digest: string; size: number };
}

export function inspectImage(store: ImageStore, r: ImageRecord): ImageInspect {
  const c: ImageConfig = readConfig(store, r);
  const rc = c.config ?? {};
  const repos = store.repositories();
  const sink = store.layers;
  const dirs = sink ? r.layers.map((l) => sink.diffDir(l.chainId)).reverse() : [];
  const doc: ImageInspect = {
    Id: r.id,
    RepoTags: store.repoTags(r.id, repos).map((t) => familiarString(parseReference(t))),
    RepoDigests: store.repoDigests(r.id, repos).map((t) => familiarString(parseReference(t))),
    Parent: '',
    Comment: c.comment ?? '',
    Created: c.created ?? '',
    DockerVersion: c.docker_version ?? '',
    Author: c.author ?? '',
    Config: {
      User: rc.User ?? '',
      ...(rc.ExposedPorts ? { ExposedPorts: rc.ExposedPorts } : {}),
      Env: rc.Env ?? null,
      Cmd: rc.Cmd ?? null,
      ...(rc.Healthcheck ? { Healthcheck: rc.Healthcheck } : {}),
      ...(rc.ArgsEscaped ? { ArgsEscaped: rc.ArgsEscaped } : {}),
      Volumes: rc.Volumes ?? null,
      WorkingDir: rc.WorkingDir ?? '',
      Entrypoint: rc.Entrypoint ?? null,
      OnBuild: rc.OnBuild ?? null,
      Labels: rc.Labels ?? null,
      ...(rc.StopSignal ? { StopSignal: rc.StopSignal } : {}),
      ...(rc.Shell ? { Shell: rc.Shell } : {}),
    },
    Architecture: c.architecture,
    ...(c.variant ? { Variant: c.variant } : {}),
    Os: c.os,
    ...(c['os.version'] ? { OsVersion: c['os.version'] } : {}),
    Size: imageSize(r),
    GraphDriver: {
      Data: dirs.length === 0 ? null : {
        ...(dirs.length > 1 ? { LowerDir: dirs.slice(1).join(':') } : {}),
        MergedDir: '',
        UpperDir: dirs[0]!,
        WorkDir: '',
      },
      Name: 'overlay2',
    },
    RootFS: { Type: 'layers', Layers: r.layers.map((l) => l.diffId) },
    Metadata: { LastTagTime: r.lastTagTime },
    Descriptor: { mediaType: r.manifestMediaType, digest: r.manifest, size: store.blobs.size(r.manifest) ?? 0 },
  };
  return doc;
}
