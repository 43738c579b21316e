import type { LinuxIDMapping } from '../../oci/runtime-spec.ts';
import { SystemError, type BerthError } from '../../lib/errors.ts';
import { hostIdOf } from './id-mappings.ts';
import { describePathBlock, firstUnsearchableDir } from './path-access.ts';

// The container's root in a user namespace is an unprivileged host id (200000, or the rootless
// user's): when the helper gets EACCES on the way to the rootfs, say which directory stops that
// id, rather than leave a bare "permission denied" on a path the runtime itself could open.
export function explainRootfsAccess(err: BerthError, rootfs: string, userns: { uidMappings: LinuxIDMapping[]; gidMappings: LinuxIDMapping[] } | undefined): BerthError {
  if (!userns || !(err instanceof SystemError) || err.errno !== 'EACCES') return err;
  const uid = hostIdOf(userns.uidMappings, 0);
  const gid = hostIdOf(userns.gidMappings, 0);
  if (uid === undefined) return err;
  const block = firstUnsearchableDir(rootfs, uid, gid === undefined ? [] : [gid]);
  if (!block) return err;
  return new SystemError(err.code, `${err.message}: ${describePathBlock(`the container's root (host uid ${uid})`, block)}`, err.errno, { cause: err });
}
