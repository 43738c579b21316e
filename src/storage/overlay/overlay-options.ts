import { BerthError } from '../../lib/errors.ts';

// The mount data string for an overlay rootfs, and its one limit: the kernel copies mount data
// into a single page, so `lowerdir=` with a long absolute path per layer stops working at a few
// dozen layers. Lower dirs are therefore named by the store's short links ("l/<26 hex>", 29 bytes
// a layer with its separator) relative to the store root, and mount-rootfs.ts mounts with the
// store root as its working directory (containers/storage's approach). That fits the 127 layers
// docker allows in 4 KiB pages. The kernels berth targets (Debian 12's 6.1) predate `lowerdir+`
// (6.8), which would lift the limit by passing each layer on its own.
//
// Options chosen, and why:
// - index=off: the inode index ties a lower layer to one upper; layers are shared by many
//   containers, and with index=on remounting a lower under another upper fails (EBUSY/ESTALE);
// - metacopy=off: with it, chmod/chown copy up only metadata and the upper file has no data, so
//   the upper dir would no longer be a self-contained diff (diffTar reads file data from it);
// - redirect_dir=off: renaming a lower directory then copies it up whole (the kernel returns
//   EXDEV and `mv` copies) instead of leaving a redirect xattr that no layer tar can express.
// Docker's overlay2 makes the same three choices where the kernel offers them.

export class LayerStackTooDeepError extends BerthError {
  constructor(layers: number, bytes: number, limit: number) {
    super('E_LAYER_STACK_TOO_DEEP', `overlay mount options for ${layers} layers take ${bytes} bytes, over the kernel's limit of ${limit}`);
  }
}

export const PAGE_SIZE = 4096;

export interface OverlayOptions {
  // lower dirs, topmost first, as the kernel wants them
  lowers: string[];
  upper?: string;
  work?: string;
  // overlay's `volatile` (Linux 5.10): see MountRootfsOptions.volatile
  volatile?: boolean;
}

export function overlayMountData(o: OverlayOptions): string {
  for (const p of [...o.lowers, o.upper ?? '', o.work ?? '']) {
    // overlayfs splits lowerdir on ':' and options on ','; berth's paths never contain them,
    // but a caller-chosen rwDir could
    if (/[:,\\]/.test(p)) throw new BerthError('E_OVERLAY_PATH', `path "${p}" cannot be used in overlay mount options: it contains ":", "," or "\\"`);
  }
  const parts = [`lowerdir=${o.lowers.join(':')}`];
  if (o.upper && o.work) parts.push(`upperdir=${o.upper}`, `workdir=${o.work}`);
  parts.push('index=off', 'metacopy=off', 'redirect_dir=off');
  if (o.volatile && o.upper) parts.push('volatile');
  const data = parts.join(',');
  const bytes = Buffer.byteLength(data) + 1;
  if (bytes > PAGE_SIZE) throw new LayerStackTooDeepError(o.lowers.length, bytes, PAGE_SIZE);
  return data;
}
