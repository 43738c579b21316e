import { isAbsolute, resolve } from 'node:path';
import { UsageError } from '../../lib/errors.ts';
import { parseBytes } from '../../lib/units.ts';
import type { MountPoint } from '../container-types.ts';

// -v, --mount and --tmpfs as docker reads them.

export interface ParsedBind extends MountPoint {
  // -v makes a missing host directory; --mount type=bind refuses it
  createSource: boolean;
}

const BIND_MODES = new Set(['ro', 'rw', 'z', 'Z', 'shared', 'rshared', 'slave', 'rslave', 'private', 'rprivate', 'nocopy', 'consistent', 'cached', 'delegated']);

// "src:dst[:opts]", "dst" (an anonymous volume), "name:dst[:opts]" (a named volume).
export function parseBind(spec: string): ParsedBind {
  const parts = spec.split(':');
  if (parts.length > 3 || parts.some((p) => p === '')) throw new UsageError(`invalid volume specification: '${spec}'`);
  let source = '';
  let target: string;
  let mode = '';
  if (parts.length === 1) target = parts[0]!;
  else if (parts.length === 2) {
    if (isAbsolute(parts[1]!)) [source, target] = [parts[0]!, parts[1]!];
    else [target, mode] = [parts[0]!, parts[1]!];
  } else [source, target, mode] = [parts[0]!, parts[1]!, parts[2]!];
  if (!isAbsolute(target)) throw new UsageError(`invalid volume specification: '${spec}': mount path must be absolute`);
  const opts = mode ? mode.split(',') : [];
  for (const o of opts) if (!BIND_MODES.has(o)) throw new UsageError(`invalid mode: ${o}`);
  const readOnly = opts.includes('ro');
  const propagation = opts.find((o) => /^r?(shared|slave|private)$/.test(o));
  if (source === '') return { Type: 'volume', Source: '', Name: '', Target: target, ReadOnly: readOnly, createSource: false };
  if (isAbsolute(source) || source.startsWith('.')) {
    return { Type: 'bind', Source: resolve(source), Target: target, ReadOnly: readOnly, ...(propagation ? { BindOptions: { Propagation: propagation } } : {}), createSource: true };
  }
  return { Type: 'volume', Source: source, Name: source, Target: target, ReadOnly: readOnly, createSource: false };
}

// --mount type=bind|volume|tmpfs,source=,target=,readonly,... (docker's csv keys and aliases).
export function parseMountFlag(spec: string): ParsedBind {
  const kv = new Map<string, string>();
  for (const field of spec.split(',')) {
    const i = field.indexOf('=');
    kv.set((i < 0 ? field : field.slice(0, i)).trim().toLowerCase(), i < 0 ? 'true' : field.slice(i + 1));
  }
  const type = kv.get('type') ?? 'volume';
  const target = kv.get('target') ?? kv.get('destination') ?? kv.get('dst');
  const source = kv.get('source') ?? kv.get('src') ?? '';
  if (!target) throw new UsageError(`invalid argument "${spec}" for "--mount" flag: target is required`);
  if (!isAbsolute(target)) throw new UsageError(`invalid argument "${spec}" for "--mount" flag: target must be an absolute path`);
  const ro = kv.get('readonly') ?? kv.get('ro');
  const readOnly = ro === 'true' || ro === '1';
  if (type === 'bind') {
    if (!source) throw new UsageError(`invalid argument "${spec}" for "--mount" flag: source is required for bind mounts`);
    const prop = kv.get('bind-propagation');
    return { Type: 'bind', Source: resolve(source), Target: target, ReadOnly: readOnly, ...(prop ? { BindOptions: { Propagation: prop } } : {}), createSource: false };
  }
  if (type === 'volume') return { Type: 'volume', Source: source, Name: source, Target: target, ReadOnly: readOnly, createSource: false };
  if (type === 'tmpfs') {
    const size = kv.get('tmpfs-size');
    const mode = kv.get('tmpfs-mode');
    const tmpfs: NonNullable<MountPoint['TmpfsOptions']> = {};
    if (size) tmpfs.SizeBytes = parseBytes(size, '--mount tmpfs-size');
    if (mode) tmpfs.Mode = Number.parseInt(mode, 8);
    return { Type: 'tmpfs', Source: '', Target: target, ReadOnly: readOnly, TmpfsOptions: tmpfs, createSource: false };
  }
  throw new UsageError(`invalid argument "${spec}" for "--mount" flag: unknown mount type "${type}" (expected bind, volume or tmpfs)`);
}

// --tmpfs /path[:size=64m,mode=1777]
export function parseTmpfs(spec: string): ParsedBind {
  const i = spec.indexOf(':');
  const target = i < 0 ? spec : spec.slice(0, i);
  if (!isAbsolute(target)) throw new UsageError(`invalid argument "${spec}" for "--tmpfs" flag: mount path must be absolute`);
  const tmpfs: NonNullable<MountPoint['TmpfsOptions']> = {};
  let readOnly = false;
  for (const o of i < 0 ? [] : spec.slice(i + 1).split(',')) {
    if (o.startsWith('size=')) tmpfs.SizeBytes = parseBytes(o.slice(5), '--tmpfs size');
    else if (o.startsWith('mode=')) tmpfs.Mode = Number.parseInt(o.slice(5), 8);
    else if (o === 'ro') readOnly = true;
    else if (o !== 'rw' && o !== '') throw new UsageError(`invalid argument "${spec}" for "--tmpfs" flag: unknown option "${o}"`);
  }
  return { Type: 'tmpfs', Source: '', Target: target, ReadOnly: readOnly, TmpfsOptions: tmpfs, createSource: false };
}
