import { InvalidConfigError } from '../../lib/errors.ts';
import type { Spec } from '../../oci/runtime-spec.ts';

// Structural checks of an untrusted config.json: every field berth reads has the type the spec
// gives it, so later code can trust the Spec type. Each error names the JSON path.

type Json = unknown;

function typeName(v: Json): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}

function fail(field: string, expected: string, v: Json): never {
  throw new InvalidConfigError(field, `expected ${expected}, got ${typeName(v)}`);
}

function obj(v: Json, field: string): Record<string, Json> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(field, 'an object', v);
  return v as Record<string, Json>;
}

function optObj(parent: Record<string, Json>, key: string, field: string): Record<string, Json> | undefined {
  const v = parent[key];
  return v === undefined ? undefined : obj(v, field);
}

function str(parent: Record<string, Json>, key: string, field: string, required = false): void {
  const v = parent[key];
  if (v === undefined) {
    if (required) throw new InvalidConfigError(field, 'is required');
    return;
  }
  if (typeof v !== 'string') fail(field, 'a string', v);
}

function int(parent: Record<string, Json>, key: string, field: string, opts: { required?: boolean; min?: number } = {}): void {
  const v = parent[key];
  if (v === undefined) {
    if (opts.required) throw new InvalidConfigError(field, 'is required');
    return;
  }
  if (typeof v !== 'number' || !Number.isInteger(v)) fail(field, 'an integer', v);
  if (opts.min !== undefined && v < opts.min) throw new InvalidConfigError(field, `must be at least ${opts.min}, got ${v}`);
}

function bool(parent: Record<string, Json>, key: string, field: string): void {
  const v = parent[key];
  if (v !== undefined && typeof v !== 'boolean') fail(field, 'a boolean', v);
}

function arr(parent: Record<string, Json>, key: string, field: string): Json[] | undefined {
  const v = parent[key];
  if (v === undefined) return undefined;
  if (!Array.isArray(v)) fail(field, 'an array', v);
  return v;
}

function strArr(parent: Record<string, Json>, key: string, field: string): void {
  arr(parent, key, field)?.forEach((v, i) => {
    if (typeof v !== 'string') fail(`${field}[${i}]`, 'a string', v);
  });
}

function strMap(parent: Record<string, Json>, key: string, field: string): void {
  const m = optObj(parent, key, field);
  if (!m) return;
  for (const [k, v] of Object.entries(m)) if (typeof v !== 'string') fail(`${field}.${k}`, 'a string', v);
}

function idMappings(parent: Record<string, Json>, key: string, field: string): void {
  arr(parent, key, field)?.forEach((m, i) => {
    const o = obj(m, `${field}[${i}]`);
    for (const k of ['containerID', 'hostID', 'size']) int(o, k, `${field}[${i}].${k}`, { required: true, min: 0 });
  });
}

function hooks(root: Record<string, Json>): void {
  const h = optObj(root, 'hooks', 'hooks');
  if (!h) return;
  for (const [phase, list] of Object.entries(h)) {
    if (!Array.isArray(list)) fail(`hooks.${phase}`, 'an array', list);
    list.forEach((hook, i) => {
      const f = `hooks.${phase}[${i}]`;
      const o = obj(hook, f);
      str(o, 'path', `${f}.path`, true);
      strArr(o, 'args', `${f}.args`);
      strArr(o, 'env', `${f}.env`);
      int(o, 'timeout', `${f}.timeout`);
    });
  }
}

function processShape(root: Record<string, Json>): void {
  const p = optObj(root, 'process', 'process');
  if (!p) return;
  bool(p, 'terminal', 'process.terminal');
  const box = optObj(p, 'consoleSize', 'process.consoleSize');
  if (box) {
    int(box, 'height', 'process.consoleSize.height', { required: true, min: 0 });
    int(box, 'width', 'process.consoleSize.width', { required: true, min: 0 });
  }
  const user = p['user'] === undefined ? undefined : obj(p['user'], 'process.user');
  if (!user) throw new InvalidConfigError('process.user', 'is required');
  int(user, 'uid', 'process.user.uid', { required: true, min: 0 });
  int(user, 'gid', 'process.user.gid', { required: true, min: 0 });
  int(user, 'umask', 'process.user.umask', { min: 0 });
  arr(user, 'additionalGids', 'process.user.additionalGids')?.forEach((g, i) => {
    if (typeof g !== 'number' || !Number.isInteger(g) || g < 0) fail(`process.user.additionalGids[${i}]`, 'a non-negative integer', g);
  });
  strArr(p, 'args', 'process.args');
  strArr(p, 'env', 'process.env');
  str(p, 'cwd', 'process.cwd', true);
  const caps = optObj(p, 'capabilities', 'process.capabilities');
  if (caps) for (const set of ['bounding', 'effective', 'inheritable', 'permitted', 'ambient']) strArr(caps, set, `process.capabilities.${set}`);
  arr(p, 'rlimits', 'process.rlimits')?.forEach((r, i) => {
    const o = obj(r, `process.rlimits[${i}]`);
    str(o, 'type', `process.rlimits[${i}].type`, true);
    int(o, 'hard', `process.rlimits[${i}].hard`, { required: true, min: 0 });
    int(o, 'soft', `process.rlimits[${i}].soft`, { required: true, min: 0 });
  });
  bool(p, 'noNewPrivileges', 'process.noNewPrivileges');
  str(p, 'apparmorProfile', 'process.apparmorProfile');
  str(p, 'selinuxLabel', 'process.selinuxLabel');
  int(p, 'oomScoreAdj', 'process.oomScoreAdj');
}

function linuxShape(root: Record<string, Json>): void {
  const l = optObj(root, 'linux', 'linux');
  if (!l) return;
  idMappings(l, 'uidMappings', 'linux.uidMappings');
  idMappings(l, 'gidMappings', 'linux.gidMappings');
  strMap(l, 'sysctl', 'linux.sysctl');
  optObj(l, 'resources', 'linux.resources');
  str(l, 'cgroupsPath', 'linux.cgroupsPath');
  arr(l, 'namespaces', 'linux.namespaces')?.forEach((n, i) => {
    const o = obj(n, `linux.namespaces[${i}]`);
    str(o, 'type', `linux.namespaces[${i}].type`, true);
    str(o, 'path', `linux.namespaces[${i}].path`);
  });
  arr(l, 'devices', 'linux.devices')?.forEach((d, i) => {
    const f = `linux.devices[${i}]`;
    const o = obj(d, f);
    str(o, 'path', `${f}.path`, true);
    str(o, 'type', `${f}.type`, true);
    int(o, 'major', `${f}.major`, { min: 0 });
    int(o, 'minor', `${f}.minor`, { min: 0 });
    int(o, 'fileMode', `${f}.fileMode`, { min: 0 });
    int(o, 'uid', `${f}.uid`, { min: 0 });
    int(o, 'gid', `${f}.gid`, { min: 0 });
  });
  optObj(l, 'seccomp', 'linux.seccomp');
  str(l, 'rootfsPropagation', 'linux.rootfsPropagation');
  strArr(l, 'maskedPaths', 'linux.maskedPaths');
  strArr(l, 'readonlyPaths', 'linux.readonlyPaths');
  str(l, 'mountLabel', 'linux.mountLabel');
  const t = optObj(l, 'timeOffsets', 'linux.timeOffsets');
  if (t) {
    for (const [clock, v] of Object.entries(t)) {
      const o = obj(v, `linux.timeOffsets.${clock}`);
      int(o, 'secs', `linux.timeOffsets.${clock}.secs`);
      int(o, 'nanosecs', `linux.timeOffsets.${clock}.nanosecs`, { min: 0 });
    }
  }
  const pers = optObj(l, 'personality', 'linux.personality');
  if (pers) str(pers, 'domain', 'linux.personality.domain', true);
}

// Checks the structure and returns the document typed. Semantic checks come after (checks.ts).
export function checkShape(doc: Json): Spec {
  const root = obj(doc, 'config.json');
  str(root, 'ociVersion', 'ociVersion', true);
  const r = optObj(root, 'root', 'root');
  if (r) {
    str(r, 'path', 'root.path', true);
    bool(r, 'readonly', 'root.readonly');
  }
  str(root, 'hostname', 'hostname');
  str(root, 'domainname', 'domainname');
  arr(root, 'mounts', 'mounts')?.forEach((m, i) => {
    const o = obj(m, `mounts[${i}]`);
    str(o, 'destination', `mounts[${i}].destination`, true);
    str(o, 'type', `mounts[${i}].type`);
    str(o, 'source', `mounts[${i}].source`);
    strArr(o, 'options', `mounts[${i}].options`);
  });
  strMap(root, 'annotations', 'annotations');
  processShape(root);
  hooks(root);
  linuxShape(root);
  return doc as Spec;
}
