import { isAbsolute, resolve } from 'node:path';

// Paths in config.json that are not absolute are relative to the bundle (root.path, bind sources).
export function resolveBundlePath(bundle: string, p: string): string {
  return isAbsolute(p) ? p : resolve(bundle, p);
}
