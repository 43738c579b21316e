import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { writeFileAtomic } from '../lib/fs/atomic-write.ts';
import { ConflictError } from '../lib/errors.ts';
import { defaultSpec } from '../runtime/default-spec.ts';

export function specCommand(o: { bundle: string; rootless?: boolean }): void {
  const path = join(resolve(o.bundle), 'config.json');
  if (existsSync(path)) throw new ConflictError('E_CONFIG_EXISTS', `"${path}" already exists: remove it first`);
  const spec = defaultSpec();
  if (o.rootless) {
    const uid = process.getuid?.() ?? 0;
    const gid = process.getgid?.() ?? 0;
    spec.linux!.namespaces = [...(spec.linux!.namespaces ?? []).filter((n) => n.type !== 'network' && n.type !== 'cgroup'), { type: 'user' }];
    spec.linux!.uidMappings = [{ containerID: 0, hostID: uid, size: 1 }];
    spec.linux!.gidMappings = [{ containerID: 0, hostID: gid, size: 1 }];
    delete spec.linux!.resources;
    spec.mounts = (spec.mounts ?? []).filter((m) => m.type !== 'cgroup');
    for (const m of spec.mounts) if (m.type === 'devpts') m.options = (m.options ?? []).filter((x) => x !== 'gid=5');
  }
  writeFileAtomic(path, `${JSON.stringify(spec, null, '\t')}\n`);
}
