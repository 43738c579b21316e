// How deletions are spelled: in image layer tars (the OCI/AUFS form, `.wh.` files) and in an
// overlay layer directory (a 0/0 character device, an "opaque" xattr on a directory).

export const WHITEOUT_PREFIX = '.wh.';
// a directory whose lower contents are hidden: `.wh..wh..opq` inside it
export const OPAQUE_WHITEOUT = '.wh..wh..opq';
// other `.wh..wh.` names are AUFS bookkeeping (hard-link dirs); docker skips them
export const AUFS_META_PREFIX = '.wh..wh.';

export const OVERLAY_OPAQUE_XATTR = 'trusted.overlay.opaque';
// xattr namespaces overlayfs reads as instructions (redirects, origins, metacopy): never taken
// from an image, never exported into a layer
export function isOverlayXattr(name: string): boolean {
  return name.startsWith('trusted.overlay.') || name.startsWith('user.overlay.');
}

export function isWhiteoutDevice(st: { mode: number; rdevMajor: number; rdevMinor: number }): boolean {
  return (st.mode & 0o170000) === 0o020000 && st.rdevMajor === 0 && st.rdevMinor === 0;
}
