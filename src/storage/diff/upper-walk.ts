import { lstatSync, readdirSync, type BigIntStats } from 'node:fs';
import { join } from 'node:path';
import { lgetxattr } from '../sys/syscalls.ts';
import { OVERLAY_OPAQUE_XATTR } from '../overlay/whiteout.ts';

// An overlay upper directory, walked in a fixed order (a directory before its contents, names
// sorted), with overlay's deletion markers recognised: a 0/0 character device is a whiteout, a
// directory with trusted.overlay.opaque=y hides the lower layers' contents.

export interface UpperItem {
  path: string; // relative, "/"-separated
  abs: string;
  st: BigIntStats;
  whiteout: boolean;
  opaque: boolean;
}

export function* walkUpper(upper: string, rel = ''): Generator<UpperItem> {
  const dir = rel === '' ? upper : join(upper, rel);
  for (const name of readdirSync(dir).sort()) {
    const path = rel === '' ? name : `${rel}/${name}`;
    const abs = join(upper, path);
    const st = lstatSync(abs, { bigint: true });
    const whiteout = st.isCharacterDevice() && st.rdev === 0n;
    const opaque = st.isDirectory() && lgetxattr(abs, OVERLAY_OPAQUE_XATTR)?.toString() === 'y';
    yield { path, abs, st, whiteout, opaque };
    if (st.isDirectory()) yield* walkUpper(upper, path);
  }
}
