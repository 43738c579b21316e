import { join } from 'node:path';
import { UsageError } from '../../lib/errors.ts';

export const ROOT_STATE_DIR = '/run/berth-runtime';

// Where container state lives when --root is not given: /run/berth-runtime for root; for
// anyone else $XDG_RUNTIME_DIR/berth-runtime (runc's rule), the per-user tmpfs that
// systemd-logind makes at login and that nobody else can enter.
export function defaultStateRoot(uid: number = process.geteuid?.() ?? 0, env: NodeJS.ProcessEnv = process.env): string {
  if (uid === 0) return ROOT_STATE_DIR;
  const xdg = env.XDG_RUNTIME_DIR;
  if (xdg) return join(xdg, 'berth-runtime');
  throw new UsageError(`berth-runtime runs as uid ${uid}, not root, and XDG_RUNTIME_DIR is not set: set it (usually /run/user/${uid}) or pass --root <dir>`);
}
