// Builds test images as OCI layouts on disk (layers made with GNU tar from files described
// here, compressed with node:zlib) and pushes them to a test registry with skopeo, an
// independent client: what berth pulls in the tests was never written by berth.
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gzipSync, zstdCompressSync } from 'node:zlib';

export type FileSpec = string | Buffer | { symlink: string } | { dir: true; mode?: number } | { content: string | Buffer; mode: number };

export interface LayerSpec {
  files: Record<string, FileSpec>;
  compression?: 'gzip' | 'zstd' | 'none';
}

export interface ImageSpec {
  layers: LayerSpec[];
  platform?: { os: string; architecture: string; variant?: string };
  config?: Record<string, unknown>;
  docker?: boolean; // pushed as Docker schema 2 (skopeo converts)
}

const sha = (b: Buffer): string => `sha256:${createHash('sha256').update(b).digest('hex')}`;

export function layerTar(files: Record<string, FileSpec>): Buffer {
  const dir = mkdtempSync(join(tmpdir(), 'berth-layer-'));
  try {
    for (const [p, spec] of Object.entries(files)) {
      const full = join(dir, p);
      mkdirSync(dirname(full), { recursive: true });
      if (typeof spec === 'string' || Buffer.isBuffer(spec)) writeFileSync(full, spec);
      else if ('symlink' in spec) symlinkSync(spec.symlink, full);
      else if ('dir' in spec) {
        mkdirSync(full, { recursive: true });
        if (spec.mode !== undefined) chmodSync(full, spec.mode);
      } else {
        writeFileSync(full, spec.content);
        chmodSync(full, spec.mode);
      }
    }
    return execFileSync('tar', ['--sort=name', '--owner=0', '--group=0', '--numeric-owner', '--mtime=@1700000000', '--format=pax', '--pax-option=delete=atime,delete=ctime', '-C', dir, '-cf', '-', '.'], { maxBuffer: 1 << 30 });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface BuiltImage {
  manifestDigest: string;
  manifestSize: number;
  mediaType: string;
  configDigest: string;
  diffIds: string[];
  layerDigests: string[];
}

function writeBlob(layout: string, data: Buffer): string {
  const d = sha(data);
  mkdirSync(join(layout, 'blobs', 'sha256'), { recursive: true });
  writeFileSync(join(layout, 'blobs', 'sha256', d.slice(7)), data);
  return d;
}

export function writeImage(layout: string, spec: ImageSpec): BuiltImage {
  const docker = false; // OCI in the layout; skopeo --format v2s2 converts when asked
  const diffIds: string[] = [];
  const layers = spec.layers.map((l) => {
    const tar = layerTar(l.files);
    diffIds.push(sha(tar));
    const c = l.compression ?? 'gzip';
    const data = c === 'gzip' ? gzipSync(tar) : c === 'zstd' ? zstdCompressSync(tar) : tar;
    const mediaType = docker
      ? c === 'gzip' ? 'application/vnd.docker.image.rootfs.diff.tar.gzip' : 'application/vnd.docker.image.rootfs.diff.tar'
      : c === 'gzip' ? 'application/vnd.oci.image.layer.v1.tar+gzip' : c === 'zstd' ? 'application/vnd.oci.image.layer.v1.tar+zstd' : 'application/vnd.oci.image.layer.v1.tar';
    return { mediaType, digest: writeBlob(layout, data), size: data.length };
  });
  const platform = spec.platform ?? { os: 'linux', architecture: 'amd64' };
  const config = Buffer.from(JSON.stringify({
    created: '2024-01-02T03:04:05Z',
    ...platform,
    config: { Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'], Cmd: ['sh'], ...spec.config },
    rootfs: { type: 'layers', diff_ids: diffIds },
    history: spec.layers.map((_, i) => ({ created: '2024-01-02T03:04:05Z', created_by: `layer ${i}` })),
  }));
  const configDigest = writeBlob(layout, config);
  const mediaType = docker ? 'application/vnd.docker.distribution.manifest.v2+json' : 'application/vnd.oci.image.manifest.v1+json';
  const manifest = Buffer.from(JSON.stringify({
    schemaVersion: 2,
    mediaType,
    config: { mediaType: docker ? 'application/vnd.docker.container.image.v1+json' : 'application/vnd.oci.image.config.v1+json', digest: configDigest, size: config.length },
    layers,
  }));
  return { manifestDigest: writeBlob(layout, manifest), manifestSize: manifest.length, mediaType, configDigest, diffIds, layerDigests: layers.map((l) => l.digest) };
}

// An OCI layout with one tag naming either an image or an index of several images.
export function buildLayout(tag: string, images: ImageSpec[]): { layout: string; images: BuiltImage[]; indexDigest?: string; cleanup: () => void } {
  const layout = mkdtempSync(join(tmpdir(), 'berth-oci-'));
  writeFileSync(join(layout, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
  const built = images.map((s) => writeImage(layout, s));
  const cleanup = (): void => rmSync(layout, { recursive: true, force: true });
  const ann = { 'org.opencontainers.image.ref.name': tag };
  if (built.length === 1) {
    const b = built[0]!;
    writeFileSync(join(layout, 'index.json'), JSON.stringify({ schemaVersion: 2, manifests: [{ mediaType: b.mediaType, digest: b.manifestDigest, size: b.manifestSize, annotations: ann }] }));
    return { layout, images: built, cleanup };
  }
  const index = Buffer.from(JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.index.v1+json',
    manifests: built.map((b, i) => ({ mediaType: b.mediaType, digest: b.manifestDigest, size: b.manifestSize, platform: images[i]!.platform ?? { os: 'linux', architecture: 'amd64' } })),
  }));
  const indexDigest = writeBlob(layout, index);
  writeFileSync(join(layout, 'index.json'), JSON.stringify({ schemaVersion: 2, manifests: [{ mediaType: 'application/vnd.oci.image.index.v1+json', digest: indexDigest, size: index.length, annotations: ann }] }));
  return { layout, images: built, indexDigest, cleanup };
}

// A layout of one image from ready-made layer tars (benchmarks: real files), gzip-compressed.
export function buildLayoutFromTars(tag: string, tars: Buffer[]): { layout: string; cleanup: () => void } {
  const layout = mkdtempSync(join(tmpdir(), 'berth-oci-'));
  writeFileSync(join(layout, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
  const layers = tars.map((t) => {
    const data = gzipSync(t);
    return { mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: writeBlob(layout, data), size: data.length };
  });
  const config = Buffer.from(JSON.stringify({ created: '2024-01-02T03:04:05Z', os: 'linux', architecture: 'amd64', config: { Cmd: ['sh'] }, rootfs: { type: 'layers', diff_ids: tars.map(sha) } }));
  const manifest = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: writeBlob(layout, config), size: config.length }, layers }));
  const md = writeBlob(layout, manifest);
  writeFileSync(join(layout, 'index.json'), JSON.stringify({ schemaVersion: 2, manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: md, size: manifest.length, annotations: { 'org.opencontainers.image.ref.name': tag } }] }));
  return { layout, cleanup: () => rmSync(layout, { recursive: true, force: true }) };
}

// skopeo copy oci:<layout>:<tag> docker://<host>/<repo>. Asynchronous: the token server of a
// test registry runs in this process and must keep answering.
export async function skopeoPush(layout: string, tag: string, dest: string, o: { creds?: string; all?: boolean; v2s2?: boolean } = {}): Promise<void> {
  await promisify(execFile)('skopeo', [
    '--insecure-policy', 'copy', '--quiet', '--dest-tls-verify=false',
    ...(o.creds ? ['--dest-creds', o.creds] : []),
    ...(o.all ? ['--all'] : []),
    ...(o.v2s2 ? ['--format', 'v2s2'] : []),
    `oci:${layout}:${tag}`, `docker://${dest}`,
  ]);
}

export async function pushImage(registryHost: string, repoTag: string, images: ImageSpec[], o: { creds?: string } = {}): Promise<{ images: BuiltImage[]; indexDigest?: string }> {
  const { layout, images: built, indexDigest, cleanup } = buildLayout('t', images);
  try {
    await skopeoPush(layout, 't', `${registryHost}/${repoTag}`, { ...o, all: images.length > 1, v2s2: images.some((i) => i.docker) });
  } finally {
    cleanup();
  }
  return indexDigest ? { images: built, indexDigest } : { images: built };
}
