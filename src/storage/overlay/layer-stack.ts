import { closeSync, readdirSync } from 'node:fs';
import { ContainedTree } from '../archive/contained-tree.ts';
import { O } from '../sys/linux-constants.ts';
import { splitParent } from '../archive/entry-path.ts';
import { isDirMode, lgetxattr, statAt, fdPath, type StatxResult } from '../sys/syscalls.ts';
import { isWhiteoutDevice, OVERLAY_OPAQUE_XATTR } from './whiteout.ts';

export interface StackHit {
  // index into the stack, 0 = topmost
  layer: number;
  tree: ContainedTree;
  dirfd: number;
  name: string;
  st: StatxResult;
}

// Read-only view of a stack of overlay layer directories (topmost first) with overlayfs's rules:
// a 0/0 character device hides the name below it, a non-directory hides everything under its
// name, and an opaque directory hides the lower layers' contents of that directory. Used to find
// the lower-layer file a hard link points at, and to tell added from changed paths in a diff.
export class LayerStack {
  readonly #trees: ContainedTree[];

  constructor(dirs: string[]) {
    this.#trees = [];
    try {
      for (const d of dirs) this.#trees.push(new ContainedTree(d));
    } catch (err) {
      this.close();
      throw err;
    }
  }

  close(): void {
    for (const t of this.#trees) t.close();
    this.#trees.length = 0;
  }

  // What the merged view shows at `path` (relative, normalized), or undefined if nothing.
  lookup(path: string, entry = path): StackHit | undefined {
    const parts = path === '' ? [] : path.split('/');
    for (let layer = 0; layer < this.#trees.length; layer++) {
      const tree = this.#trees[layer]!;
      let hiddenBelow = false;
      let dirfd = tree.rootFd;
      let found: StatxResult | undefined;
      let i = 0;
      for (; i < parts.length; i++) {
        const prefix = parts.slice(0, i).join('/');
        const fd = tree.dir(prefix, entry, false);
        if (fd === undefined) break;
        dirfd = fd;
        const st = statAt(fd, parts[i]!);
        if (!st) break;
        if (isWhiteoutDevice(st)) return undefined;
        if (i < parts.length - 1) {
          if (!isDirMode(st.mode)) return undefined; // a file here hides anything under its name
          if (lgetxattr(fdPath(fd, parts[i]!), OVERLAY_OPAQUE_XATTR)?.toString() === 'y') hiddenBelow = true;
        } else {
          found = st;
        }
      }
      if (parts.length === 0) {
        const st = statAt(tree.rootFd, '');
        if (st) return { layer, tree, dirfd: tree.rootFd, name: '', st };
      }
      if (found) return { layer, tree, dirfd, name: splitParent(path).base, st: found };
      if (hiddenBelow) return undefined;
    }
    return undefined;
  }

  // The names the merged view shows inside directory `path`, sorted.
  children(path: string): string[] {
    const names = new Set<string>();
    for (const tree of this.#trees) {
      const fd = tree.open(path, O.RDONLY | O.DIRECTORY);
      if (fd < 0) {
        // missing here: look lower; anything else (a file, a whiteout) hides the lower layers
        if (-fd === 2) continue;
        break;
      }
      try {
        for (const n of readdirSync(`/proc/self/fd/${fd}`)) names.add(n);
        if (lgetxattrFd(fd, OVERLAY_OPAQUE_XATTR) === 'y') break;
      } finally {
        closeSync(fd);
      }
    }
    return [...names].filter((n) => this.lookup(path === '' ? n : `${path}/${n}`) !== undefined).sort();
  }
}

function lgetxattrFd(fd: number, name: string): string | undefined {
  // /proc/self/fd/N followed (getxattr, not lgetxattr) reaches the directory itself
  return lgetxattr(`/proc/self/fd/${fd}/.`, name)?.toString();
}
