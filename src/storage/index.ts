// The storage layer: image layers unpacked once per chain id, container root filesystems as
// overlay mounts of them (or copies where overlay cannot be used), and a container's changes
// back as a layer tar. The tar codec is shared with the image half (docker save/load archives).

export { openLayerStore, LayerDigestError, type LayerStore, type LayerInfo, type ApplyLayerInput } from './layers/layer-store.ts';
export { InvalidChainIdError } from './layers/chain-id.ts';
export { mountRootfs, unmountRootfs, type MountRootfsOptions, type RootfsDriver } from './overlay/mount-rootfs.ts';
export { LayerStackTooDeepError } from './overlay/overlay-options.ts';
export { diffTar } from './diff/diff-tar.ts';
export { changes, type Change } from './diff/changes.ts';
export { DiffUnsupportedError } from './diff/diff-items.ts';
export { applyLayerTar, type ApplyLayerOptions, type ApplyLayerResult } from './archive/apply-layer.ts';
export { UnsafeLayerEntryError } from './archive/unsafe-entry-error.ts';
export { TarReader, type TarReadEntry, type TarReaderOptions } from './archive/tar-reader.ts';
export { TarWriter, encodeTarHeader, type TarEntryInput } from './archive/tar-writer.ts';
export { TarFormatError } from './archive/tar-format-error.ts';
export type { TarEntry, TarEntryType } from './archive/tar-entry.ts';
// a container's filesystem seen from the host, and docker cp's archives (src/engine/fs)
export { RootfsView, ViewPathError, type ViewMount, type ViewEntry } from './view/rootfs-view.ts';
export { treeTar, type TreeTarOptions } from './archive/tree-tar.ts';
export { extractTar, ExtractError, type ExtractTarget, type ExtractTarOptions } from './archive/extract-tar.ts';
export { ContainedTree } from './archive/contained-tree.ts';
export { isMountPoint } from './overlay/mount-table.ts';
