import { userInfo } from 'node:os';

// Who runs the runtime. Rootless is decided by the effective uid alone, as runc does: a
// non-root user gets no cgroups it was not delegated, id maps through newuidmap/newgidmap and a
// state root under $XDG_RUNTIME_DIR.
export interface RuntimeUser {
  uid: number;
  gid: number;
  name: string;
  rootless: boolean;
}

export function runtimeUser(): RuntimeUser {
  const uid = process.geteuid?.() ?? 0;
  const gid = process.getegid?.() ?? 0;
  let name: string | undefined;
  return {
    uid,
    gid,
    rootless: uid !== 0,
    // looked up when asked (rootless id maps, messages): the lookup goes through NSS (nsswitch.conf,
    // nscd, /etc/passwd), ~0.15 ms in a fresh process that root's `create` has no use for
    get name(): string {
      if (name === undefined) {
        try {
          name = userInfo().username;
        } catch {
          // no passwd entry for this uid: /etc/subuid may still list it by number
          name = String(uid);
        }
      }
      return name;
    },
  };
}

// `user "alice" (uid 1000)`, for messages
export function describeUser(u: Pick<RuntimeUser, 'uid' | 'name'>): string {
  return u.name === String(u.uid) ? `uid ${u.uid}` : `user "${u.name}" (uid ${u.uid})`;
}
