import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { chownSync, linkSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { collect, gnuTar, tempDir } from '../helpers/gnu-tar.ts';
import { layerTar, streamOf, type LayerItem } from '../helpers/layer-tar.ts';
import { requires } from '../helpers/requires.ts';
import { changes, diffTar, mountRootfs, openLayerStore, TarReader, unmountRootfs, type LayerStore } from '../../src/storage/index.ts';
import { mountPoints } from '../../src/storage/overlay/mount-table.ts';
import { lsetxattr, mount, umount2 } from '../../src/storage/sys/syscalls.ts';
import type { TarEntry } from '../../src/storage/index.ts';

type TarReadEntryLike = TarEntry & { data: Buffer };
const CAP = Buffer.from('0100000200040000000000000000000000000000', 'hex'); // cap_net_bind_service+ep
import { ConflictError } from '../../src/lib/errors.ts';

// Real overlay mounts (root needed) of a multi-layer image whose later layers delete, replace
// and hide files and directories, checked file by file through the mount; the copy fallback
// checked against the same expectations; a container's changes read back as `docker diff` and
// as a layer tar that, applied on top, reproduces what the container saw.

const sha = (b: Buffer | string) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

const LAYERS: LayerItem[][] = [
  [
    { name: 'bin/' },
    { name: 'bin/sh', body: 'sh', mode: 0o755 },
    { name: 'bin/tool', body: 'tool', mode: 0o4755 },
    { name: 'etc/' },
    { name: 'etc/passwd', body: 'root:x:0:0\n' },
    { name: 'etc/motd', body: 'hello' },
    { name: 'etc/conf.d/' },
    { name: 'etc/conf.d/a', body: 'a' },
    { name: 'etc/conf.d/b', body: 'b' },
    { name: 'var/' },
    { name: 'var/cache/' },
    { name: 'var/cache/x', body: 'x' },
    { name: 'var/cache/y', body: 'y' },
    { name: 'var/cache/sub/' },
    { name: 'var/cache/sub/deep', body: 'd' },
    { name: 'usr/lib/libfoo.so.1', body: 'foo1' },
    { name: 'usr/lib/libfoo.so', linkname: 'libfoo.so.1' },
    { name: 'opt/dir/' },
    { name: 'opt/dir/inner', body: 'inner' },
    { name: 'tobefile/' },
    { name: 'tobefile/child', body: 'c' },
    { name: 'link-to-dir', linkname: 'opt' },
  ],
  [
    { name: 'etc/.wh.motd' },
    { name: 'etc/passwd', body: 'root:x:0:0\nuser:x:1000:1000\n' },
    { name: 'etc/conf.d/.wh.a' },
    { name: 'var/cache/.wh..wh..opq' },
    { name: 'var/cache/z', body: 'z' },
    { name: 'tobefile', body: 'now a file' },
    { name: 'usr/lib/libfoo.so.2', body: 'foo2' },
    { name: 'usr/lib/libfoo.so', linkname: 'libfoo.so.2' },
  ],
  [
    { name: 'opt/.wh.dir' },
    { name: 'opt/dir', body: 'dir is a file now' },
    { name: 'newdir/' },
    { name: 'newdir/new', body: 'new', uid: 1000, gid: 1000, mode: 0o600 },
    { name: 'bin/busybox', type: 'hardlink', linkname: 'bin/sh' },
    { name: 'etc/conf.d/c', body: 'c' },
    { name: 'var/cache/sub/again', body: 'again' },
  ],
];

// The merged view the three layers must give, path by path.
const EXPECTED: Record<string, string> = {
  bin: 'dir',
  'bin/busybox': 'file 755 sh',
  'bin/sh': 'file 755 sh',
  'bin/tool': 'file 4755 tool',
  etc: 'dir',
  'etc/conf.d': 'dir',
  'etc/conf.d/b': 'file 644 b',
  'etc/conf.d/c': 'file 644 c',
  'etc/passwd': 'file 644 root:x:0:0\nuser:x:1000:1000\n',
  'link-to-dir': 'link opt',
  newdir: 'dir',
  'newdir/new': 'file 600 new',
  opt: 'dir',
  'opt/dir': 'file 644 dir is a file now',
  tobefile: 'file 644 now a file',
  usr: 'dir',
  'usr/lib': 'dir',
  'usr/lib/libfoo.so': 'link libfoo.so.2',
  'usr/lib/libfoo.so.1': 'file 644 foo1',
  'usr/lib/libfoo.so.2': 'file 644 foo2',
  var: 'dir',
  'var/cache': 'dir',
  'var/cache/sub': 'dir',
  'var/cache/sub/again': 'file 644 again',
  'var/cache/z': 'file 644 z',
};

// What the container does to the image in the diff tests, and what `docker diff` must say.
function modify(rootfs: string): void {
  writeFileSync(join(rootfs, 'newfile'), 'A');
  writeFileSync(join(rootfs, 'etc/conf.d/b'), 'b changed');
  unlinkSync(join(rootfs, 'bin/tool'));
  rmSync(join(rootfs, 'usr/lib'), { recursive: true });
  mkdirSync(join(rootfs, 'opt/dir2'));
  rmSync(join(rootfs, 'var/cache'), { recursive: true });
  mkdirSync(join(rootfs, 'var/cache'));
  writeFileSync(join(rootfs, 'var/cache/fresh'), 'fresh');
}

const EXPECTED_CHANGES = [
  { kind: 'C', path: '/bin' },
  { kind: 'D', path: '/bin/tool' },
  { kind: 'C', path: '/etc' },
  { kind: 'C', path: '/etc/conf.d' },
  { kind: 'C', path: '/etc/conf.d/b' },
  { kind: 'A', path: '/newfile' },
  { kind: 'C', path: '/opt' },
  { kind: 'A', path: '/opt/dir2' },
  { kind: 'C', path: '/usr' },
  { kind: 'D', path: '/usr/lib' },
  { kind: 'C', path: '/var' },
  { kind: 'C', path: '/var/cache' },
  { kind: 'A', path: '/var/cache/fresh' },
  { kind: 'D', path: '/var/cache/sub' },
  { kind: 'D', path: '/var/cache/z' },
];

function describeTree(root: string, rel = '', out: Record<string, string> = {}): Record<string, string> {
  for (const name of readdirSync(join(root, rel)).sort()) {
    const path = rel ? `${rel}/${name}` : name;
    const st = lstatSync(join(root, path));
    if (st.isDirectory()) {
      out[path] = 'dir';
      describeTree(root, path, out);
    } else if (st.isSymbolicLink()) out[path] = `link ${readlinkSync(join(root, path))}`;
    else if (st.isFile()) out[path] = `file ${(st.mode & 0o7777).toString(8)} ${readFileSync(join(root, path), 'utf8')}`;
    else out[path] = `other ${st.mode.toString(8)}`;
  }
  return out;
}

let tmp: { dir: string; cleanup: () => void };
let store: LayerStore;
let chain: string[] = [];
const mounted: string[] = []; // rw dirs to unmount in after(), whatever happened

async function addLayer(items: LayerItem[], parent?: string): Promise<string> {
  const tar = await layerTar(items);
  const diffId = sha(tar);
  const chainId = parent ? sha(`${parent} ${diffId}`) : diffId;
  await store.applyLayer({ chainId, diffId, tar: streamOf(tar), ...(parent ? { parent } : {}) });
  return chainId;
}

before(async () => {
  tmp = tempDir('rootfs');
  if (process.getuid?.() !== 0) return;
  store = openLayerStore(join(tmp.dir, 'storage'));
  let parent: string | undefined;
  for (const items of LAYERS) {
    parent = await addLayer(items, parent);
    chain.push(parent);
  }
});

// Every test unmounts what it mounted in its finally, whether it passed or not.
async function unmountAll(): Promise<void> {
  const errors: unknown[] = [];
  while (mounted.length > 0) {
    const rw = mounted.pop()!;
    try {
      if (mountPoints().has(join(rw, 'rootfs'))) await unmountRootfs(rw);
    } catch (err) {
      errors.push(err);
    }
  }
  if (errors.length) throw new AggregateError(errors, 'unmounting in cleanup');
}

after(async () => {
  await unmountAll();
  for (const mp of [...mountPoints()].filter((m) => m.startsWith(tmp.dir)).reverse()) umount2(mp, 2);
  assert.deepEqual([...mountPoints()].filter((m) => m.startsWith(tmp.dir)), [], 'no mount left behind');
  tmp.cleanup();
});

describe('rootfs mounts', () => {
  test('overlay shows the image layer by layer: deletions, replacements, opaque dirs', async (t) => {
    if (requires(t, { root: true })) return;
    try {
      const rw = join(tmp.dir, 'c1');
      mounted.push(rw);
      const { rootfs, driver } = await mountRootfs({ store, layers: chain, rwDir: rw });
      assert.equal(driver, 'overlay');
      assert.deepEqual(describeTree(rootfs), EXPECTED);
      const line = readFileSync('/proc/self/mountinfo', 'utf8').split('\n').find((l) => l.includes(` ${rootfs} `))!;
      assert.match(line, /lowerdir=l\/[0-9a-f]{26}:l\/[0-9a-f]{26}:l\/[0-9a-f]{26}/, 'short relative lower dirs');
      // the kernel prints only options that differ from its defaults
      assert.doesNotMatch(line, /index=on|metacopy=on|redirect_dir=on/);
      assert.throws(() => store.remove(chain[2]!), (err: unknown) => err instanceof ConflictError && err.message.includes(`used by the rootfs mounted at "${rootfs}"`));
      await unmountRootfs(rw);
      assert.equal(mountPoints().has(rootfs), false);
      // a second start mounts the same layers: mount.json, unchanged, is not written again
      const before = lstatSync(join(rw, 'mount.json')).ino;
      await mountRootfs({ store, layers: chain, rwDir: rw });
      assert.equal(lstatSync(join(rw, 'mount.json')).ino, before, 'mount.json rewritten although unchanged');
      await unmountRootfs(rw);
    } finally {
      await unmountAll();
    }
  });

  test('a container\'s writes become docker-diff changes and a layer tar that reproduces them', async (t) => {
    if (requires(t, { root: true })) return;
    try {
      const rw = join(tmp.dir, 'c2');
      mounted.push(rw);
      const { rootfs } = await mountRootfs({ store, layers: chain, rwDir: rw });
      modify(rootfs);
      const seen = describeTree(rootfs);

      assert.deepEqual(changes({ rwDir: rw }), EXPECTED_CHANGES);

      const tar = await collect(diffTar({ rwDir: rw }));
      assert.deepEqual(await collect(diffTar({ rwDir: rw })), tar, 'deterministic');
      const names: string[] = [];
      for await (const e of new TarReader([tar])) names.push(e.name);
      assert.deepEqual(names, [
        'bin/',
        'bin/.wh.tool',
        'etc/',
        'etc/conf.d/',
        'etc/conf.d/b',
        'newfile',
        'opt/',
        'opt/dir2/',
        'usr/',
        'usr/.wh.lib',
        'var/',
        'var/cache/',
        'var/cache/.wh..wh..opq',
        'var/cache/fresh',
      ]);
      assert.deepEqual(gnuTar(['-tf', '-'], { input: tar }).split('\n').filter(Boolean), names, 'GNU tar lists it');

      // the diff, applied as a fourth layer, gives exactly what the container saw
      const diffId = sha(tar);
      const committed = sha(`${chain[2]} ${diffId}`);
      await store.applyLayer({ chainId: committed, parent: chain[2]!, diffId, tar: streamOf(tar) });
      await unmountRootfs(rw);
      const rw2 = join(tmp.dir, 'c2-committed');
      mounted.push(rw2);
      const r2 = await mountRootfs({ store, layers: [...chain, committed], rwDir: rw2, readonly: true });
      assert.deepEqual(describeTree(r2.rootfs), seen);
      assert.throws(() => writeFileSync(join(r2.rootfs, 'x'), 'x'), /EROFS/, 'read-only rootfs');
      await unmountRootfs(rw2);
      store.remove(committed);
    } finally {
      await unmountAll();
    }
  });

  test('diffTar keeps hard links, capabilities and ownership of the container\'s files', async (t) => {
    if (requires(t, { root: true })) return;
    try {
      const rw = join(tmp.dir, 'c4');
      mounted.push(rw);
      const { rootfs } = await mountRootfs({ store, layers: chain, rwDir: rw });
      mkdirSync(join(rootfs, 'app'));
      writeFileSync(join(rootfs, 'app/server'), 'server');
      linkSync(join(rootfs, 'app/server'), join(rootfs, 'app/server-link'));
      chownSync(join(rootfs, 'app/server'), 33, 33);
      lsetxattr(join(rootfs, 'app/server'), 'security.capability', CAP);
      const entries = new Map<string, TarReadEntryLike>();
      for await (const e of new TarReader(diffTar({ rwDir: rw }))) entries.set(e.name, { ...e, data: await e.readAll() });
      const server = entries.get('app/server')!;
      assert.equal(server.type, 'file');
      assert.equal(server.data.toString(), 'server');
      assert.equal(server.uid, 33);
      assert.deepEqual(server.xattrs?.get('security.capability'), CAP);
      const link = entries.get('app/server-link')!;
      assert.equal(link.type, 'hardlink');
      assert.equal(link.linkname, 'app/server');
      for (const e of entries.values()) assert.ok(![...(e.xattrs?.keys() ?? [])].some((k) => k.startsWith('trusted.overlay.')), `${e.name} carries no overlay xattrs`);
      await unmountRootfs(rw);
    } finally {
      await unmountAll();
    }
  });

  test('read-only mounts of a single layer and of no layer at all', async (t) => {
    if (requires(t, { root: true })) return;
    try {
      for (const layers of [[chain[0]!], []]) {
        const rw = join(tmp.dir, `ro-${layers.length}`);
        mounted.push(rw);
        const { rootfs, driver } = await mountRootfs({ store, layers, rwDir: rw, readonly: true });
        assert.equal(driver, 'overlay');
        assert.deepEqual(readdirSync(rootfs).sort(), layers.length ? ['bin', 'etc', 'link-to-dir', 'opt', 'tobefile', 'usr', 'var'] : []);
        assert.throws(() => writeFileSync(join(rootfs, 'x'), 'x'), /EROFS/);
        await unmountRootfs(rw);
      }
    } finally {
      await unmountAll();
    }
  });

  test('a volatile rootfs (--rm) mounts with overlay\'s volatile, and mounts again after its unmount', async (t) => {
    if (requires(t, { root: true })) return;
    try {
      const rw = join(tmp.dir, 'volatile');
      mounted.push(rw);
      for (let round = 0; round < 2; round++) {
        const { rootfs } = await mountRootfs({ store, layers: chain, rwDir: rw, volatile: true });
        const line = readFileSync('/proc/self/mountinfo', 'utf8').split('\n').find((l) => l.includes(` ${rootfs} `))!;
        // newer kernels print it as fsync=volatile
        assert.match(line, /[,\s](fsync=)?volatile(,|$)/);
        writeFileSync(join(rootfs, `written-${round}`), 'x');
        assert.deepEqual(changes({ rwDir: rw }).map((c) => c.path).filter((p) => p.startsWith('/written')), round ? ['/written-0', '/written-1'] : ['/written-0']);
        // the kernel's marker, which would refuse the next mount if it were left
        assert.ok(readdirSync(join(rw, 'work', 'work', 'incompat')).includes('volatile'));
        await unmountRootfs(rw);
      }
    } finally {
      await unmountAll();
    }
  });

  test('falls back to copying the layers when the rw dir is on overlayfs', async (t) => {
    if (requires(t, { root: true })) return;
    try {
      // an overlay of our own to stand in for a store on overlayfs (docker-in-docker)
      const outer = join(tmp.dir, 'outer');
      for (const d of ['lower', 'upper', 'work', 'merged']) mkdirSync(join(outer, d), { recursive: true });
      mount('overlay', join(outer, 'merged'), 'overlay', 0, `lowerdir=${outer}/lower,upperdir=${outer}/upper,workdir=${outer}/work`);
      try {
        const rw = join(outer, 'merged', 'c3');
        const { rootfs, driver } = await mountRootfs({ store, layers: chain, rwDir: rw });
        assert.equal(driver, 'copy');
        assert.deepEqual(describeTree(rootfs), EXPECTED);
        assert.equal(lstatSync(join(rootfs, 'newdir/new')).uid, 1000);
        assert.deepEqual(changes({ rwDir: rw }), [], 'an untouched copy has no changes');
        modify(rootfs);
        const seen = describeTree(rootfs);
        assert.deepEqual(changes({ rwDir: rw }), EXPECTED_CHANGES, 'the copy is compared with the image as docker\'s vfs driver does');
        // and its diff tar, applied on the image, gives what the container saw
        const tar = await collect(diffTar({ rwDir: rw }));
        const diffId = sha(tar);
        const committed = sha(`${chain[2]} ${diffId}`);
        await store.applyLayer({ chainId: committed, parent: chain[2]!, diffId, tar: streamOf(tar) });
        await unmountRootfs(rw);
        const check = join(tmp.dir, 'c3-committed');
        mounted.push(check);
        const r = await mountRootfs({ store, layers: [...chain, committed], rwDir: check, readonly: true });
        assert.deepEqual(describeTree(r.rootfs), seen);
        await unmountRootfs(check);
        store.remove(committed);
      } finally {
        umount2(join(outer, 'merged'), 0);
      }
    } finally {
      await unmountAll();
    }
  });

  test('deep images stay under the mount-option page limit through short links', async (t) => {
    if (requires(t, { root: true })) return;
    try {
      const deep: string[] = [];
      let parent: string | undefined;
      for (let i = 0; i < 120; i++) {
        parent = await addLayer([{ name: `f${String(i).padStart(3, '0')}`, body: String(i) }], parent);
        deep.push(parent);
      }
      const absolute = deep.map((id) => store.diffDir(id)).join(':').length;
      assert.ok(absolute > 4096, `absolute lower dirs would need ${absolute} bytes`);
      const rw = join(tmp.dir, 'deep');
      mounted.push(rw);
      const { rootfs, driver } = await mountRootfs({ store, layers: deep, rwDir: rw });
      assert.equal(driver, 'overlay');
      assert.equal(readdirSync(rootfs).length, 120);
      assert.equal(readFileSync(join(rootfs, 'f119'), 'utf8'), '119');
      await unmountRootfs(rw);
    } finally {
      await unmountAll();
    }
  });
});
