import assert from 'node:assert/strict';
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { tempDir } from '../../../test/helpers/gnu-tar.ts';
import { layerTar, streamOf, type LayerItem } from '../../../test/helpers/layer-tar.ts';
import { lgetxattr, lgetxattrs } from '../sys/syscalls.ts';
import { applyLayerTar, type ApplyLayerResult } from './apply-layer.ts';
import { UnsafeLayerEntryError } from './unsafe-entry-error.ts';

const isRoot = process.getuid?.() === 0;
const CAP = Buffer.from('0100000200200000000000000000000000000000', 'hex');

let tmp: { dir: string; cleanup: () => void };
let layer: string;
let outside: string;

beforeEach(() => {
  tmp = tempDir('apply');
  layer = join(tmp.dir, 'layer');
  outside = join(tmp.dir, 'outside');
  mkdirSync(layer);
  mkdirSync(outside);
  writeFileSync(join(outside, 'secret'), 'secret\n');
});
afterEach(() => tmp.cleanup());

async function apply(items: LayerItem[], opts: { lowerDirs?: string[]; allowDevices?: boolean; target?: string } = {}): Promise<ApplyLayerResult> {
  return applyLayerTar({ target: opts.target ?? layer, tar: streamOf(await layerTar(items), 1000), lowerDirs: opts.lowerDirs ?? [], ...(opts.allowDevices === undefined ? {} : { allowDevices: opts.allowDevices }) });
}

// The outside directory holds exactly what the test put there: nothing was written through.
function assertOutsideUntouched(): void {
  assert.deepEqual(readdirSync(outside), ['secret']);
  assert.equal(readFileSync(join(outside, 'secret'), 'utf8'), 'secret\n');
  assert.equal(statSync(join(outside, 'secret')).nlink, 1);
}

async function assertRefused(items: LayerItem[], entry: string, reason: RegExp, opts: { allowDevices?: boolean } = {}): Promise<void> {
  await assert.rejects(apply(items, opts), (err: unknown) => {
    assert.ok(err instanceof UnsafeLayerEntryError, `an UnsafeLayerEntryError, got ${String(err)}`);
    assert.equal(err.entry, entry);
    assert.match(err.message, reason);
    assert.ok(err.message.startsWith(`layer entry "${entry}": `), err.message);
    return true;
  });
  assertOutsideUntouched();
}

describe('applyLayerTar refuses hostile layers and writes nothing outside', () => {
  test('absolute names', async () => {
    await assertRefused([{ name: `${outside}/evil`, body: 'x' }], `${outside}/evil`, /absolute name/);
  });

  test('".." components', async () => {
    await assertRefused([{ name: '../outside/evil', body: 'x' }], '../outside/evil', /has a "\.\." component/);
    await assertRefused([{ name: 'a/../../outside/evil', body: 'x' }], 'a/../../outside/evil', /"\.\." component/);
  });

  test('writing through a symlinked parent (absolute and relative links)', async () => {
    await assertRefused([{ name: 'a', linkname: outside }, { name: 'a/evil', body: 'x' }], 'a/evil', /parent "a" is or goes through a symbolic link/);
    tmp.cleanup();
    mkdirSync(layer, { recursive: true });
    mkdirSync(outside, { recursive: true });
    writeFileSync(join(outside, 'secret'), 'secret\n');
    await assertRefused([{ name: 'd/' }, { name: 'd/up', linkname: '../../outside' }, { name: 'd/up/evil', body: 'x' }], 'd/up/evil', /symbolic link/);
  });

  test('a deeper symlink in the middle of the path', async () => {
    await assertRefused([{ name: 'a/' }, { name: 'a/b', linkname: outside }, { name: 'a/b/c/d', body: 'x' }], 'a/b/c/d', /symbolic link/);
  });

  test('whiteouts and opaque markers through a symlinked parent', async () => {
    await assertRefused([{ name: 'a', linkname: outside }, { name: 'a/.wh.secret' }], 'a/.wh.secret', /symbolic link/, { allowDevices: true });
    await assertRefused([{ name: 'a', linkname: outside }, { name: 'a/.wh..wh..opq' }], 'a/.wh..wh..opq', /symbolic link/, { allowDevices: true });
  });

  test('hard links to outside the layer', async () => {
    await assertRefused([{ name: 'l', type: 'hardlink', linkname: '../outside/secret' }], 'l', /hard link target "\.\.\/outside\/secret" has a "\.\." component/);
    await assertRefused([{ name: 'l', type: 'hardlink', linkname: join(outside, 'secret') }], 'l', /absolute hard link target/);
  });

  test('hard links through a symlink', async () => {
    await assertRefused([{ name: 's', linkname: outside }, { name: 'l', type: 'hardlink', linkname: 's/secret' }], 'l', /parent "s" is or goes through a symbolic link/);
  });

  test('hard links to a directory, and to nothing', async () => {
    await assertRefused([{ name: 'd/' }, { name: 'l', type: 'hardlink', linkname: 'd' }], 'l', /is a directory/);
    await assertRefused([{ name: 'l', type: 'hardlink', linkname: 'missing' }], 'l', /does not exist in this layer or below/);
  });

  test('a file replacing a symlink replaces the link, never its target', async () => {
    await apply([{ name: 'x', linkname: join(outside, 'secret') }, { name: 'x', body: 'overwritten' }]);
    assert.equal(readFileSync(join(layer, 'x'), 'utf8'), 'overwritten');
    assert.ok(lstatSync(join(layer, 'x')).isFile());
    assertOutsideUntouched();
  });

  test('device nodes without privilege', async () => {
    await assertRefused([{ name: 'dev/sda', type: 'block', devmajor: 8, devminor: 0 }], 'dev/sda', /block device 8:0 needs root/, { allowDevices: false });
    assert.equal(existsSync(join(layer, 'dev', 'sda')), false);
    await assertRefused([{ name: '.wh.gone' }], '.wh.gone', /need root/, { allowDevices: false });
  });

  test('unknown entry types', async () => {
    await assertRefused([{ name: 'vol', type: 'other', typeflag: 'V' }], 'vol', /unsupported tar entry type "V"/);
  });
});

describe('applyLayerTar unpacks faithfully', () => {
  test('files, directories, links, modes, owners, mtimes and xattrs', async (t) => {
    const items: LayerItem[] = [
      { name: 'usr/', mode: 0o755, mtime: 1_600_000_000, mtimeNsec: 111 },
      { name: 'usr/bin/', mode: 0o750, uid: 1000, gid: 1000, mtime: 1_600_000_001, mtimeNsec: 222 },
      { name: 'usr/bin/tool', body: 'tool', mode: 0o4755, uid: 1000, gid: 1000, mtime: 1_700_000_000, mtimeNsec: 123_456_789 },
      { name: 'usr/bin/sgid', body: '', mode: 0o2711, uid: 0, gid: 50 },
      { name: 'tmp/', mode: 0o1777 },
      { name: 'usr/bin/link', type: 'hardlink', linkname: 'usr/bin/tool' },
      { name: 'usr/bin/sym', linkname: 'tool', mtime: 1_500_000_000, mtimeNsec: 5 },
      { name: 'implicit/parent/file', body: 'p' },
      { name: 'xattrs', body: 'x', xattrs: new Map([['user.bin', Buffer.from([0, 0xff, 1])], ['trusted.overlay.redirect', Buffer.from('/etc')]]) },
      { name: 'fifo', type: 'fifo', mode: 0o640 },
      { name: 'contiguous', type: 'contiguous', body: 'contiguous files are plain files' },
      { name: 'replace-me', body: 'file first' },
      { name: 'replace-me/', mode: 0o700 },
      { name: 'dir-then-file/' },
      { name: 'dir-then-file/child', body: 'c' },
      { name: 'dir-then-file', body: 'now a file' },
    ];
    if (isRoot) {
      items.push(
        { name: 'cap', body: 'cap', mode: 0o755, uid: 1000, gid: 1000, xattrs: new Map([['security.capability', CAP]]) },
        { name: 'dev/null', type: 'char', devmajor: 1, devminor: 3, mode: 0o666 },
        { name: 'dev/loop0', type: 'block', devmajor: 7, devminor: 0, mode: 0o660, gid: 6 },
      );
    }
    const r = await apply(items);
    assert.equal(r.entries, items.length);
    assert.ok(r.ignoredXattrs.some((x) => x.includes('trusted.overlay.redirect')));

    const st = (p: string) => lstatSync(join(layer, p), { bigint: true });
    assert.equal(Number(st('usr/bin/tool').mode) & 0o7777, 0o4755, 'setuid survives chown');
    assert.equal(Number(st('usr/bin/sgid').mode) & 0o7777, 0o2711);
    assert.equal(Number(st('tmp').mode) & 0o7777, 0o1777);
    assert.equal(Number(st('usr/bin').mode) & 0o7777, 0o750);
    assert.equal(Number(st('implicit').mode) & 0o7777, 0o755, 'missing parents are 0755');
    assert.equal(st('usr/bin/tool').mtimeNs, 1_700_000_000_123_456_789n);
    assert.equal(st('usr/bin').mtimeNs, 1_600_000_001_000_000_222n, 'directory mtime set after its children');
    assert.equal(st('usr').mtimeNs, 1_600_000_000_000_000_111n);
    assert.equal(st('usr/bin/sym').mtimeNs, 1_500_000_000_000_000_005n);
    assert.equal(readlinkSync(join(layer, 'usr/bin/sym')), 'tool');
    assert.equal(st('usr/bin/link').ino, st('usr/bin/tool').ino, 'hard link within the layer');
    assert.ok(st('fifo').isFIFO());
    assert.equal(readFileSync(join(layer, 'contiguous'), 'utf8'), 'contiguous files are plain files');
    assert.equal(Number(st('fifo').mode) & 0o7777, 0o640);
    assert.ok(st('replace-me').isDirectory());
    assert.equal(readFileSync(join(layer, 'dir-then-file'), 'utf8'), 'now a file');
    assert.deepEqual(lgetxattrs(join(layer, 'xattrs')), new Map([['user.bin', Buffer.from([0, 0xff, 1])]]));
    if (!isRoot) return t.skip('owners, devices and capabilities need root');
    assert.equal(Number(st('usr/bin/tool').uid), 1000);
    assert.equal(Number(st('usr/bin/sgid').gid), 50);
    assert.deepEqual(lgetxattr(join(layer, 'cap'), 'security.capability'), CAP, 'capability kept byte for byte after chown');
    assert.equal(Number(st('cap').uid), 1000);
    assert.ok(st('dev/null').isCharacterDevice());
    assert.equal(Number(st('dev/loop0').gid), 6);
  });

  test('whiteouts become overlay whiteouts and opaque directories', async (t) => {
    if (!isRoot) return t.skip('whiteouts are character devices: needs root');
    await apply([
      { name: 'etc/' },
      { name: 'etc/.wh.motd' },
      { name: 'var/cache/' },
      { name: 'var/cache/.wh..wh..opq' },
      { name: 'var/cache/new', body: 'n' },
      { name: '.wh..wh.plnk/' },
      { name: 'gone-then-back', body: 'x' },
      { name: '.wh.gone-then-back' },
      { name: 'opt/.wh.app' },
      { name: 'opt/app/' },
      { name: 'opt/app/fresh', body: 'f' },
    ]);
    assert.equal(lgetxattr(join(layer, 'opt/app'), 'trusted.overlay.opaque')?.toString(), 'y', 'deleted then re-created: opaque');
    assert.equal(lgetxattr(join(layer, 'etc'), 'trusted.overlay.opaque'), undefined);
    const motd = lstatSync(join(layer, 'etc/motd'));
    assert.ok(motd.isCharacterDevice());
    assert.equal(motd.rdev, 0);
    assert.equal(lgetxattr(join(layer, 'var/cache'), 'trusted.overlay.opaque')?.toString(), 'y');
    assert.equal(readFileSync(join(layer, 'var/cache/new'), 'utf8'), 'n');
    assert.equal(existsSync(join(layer, '.wh..wh.plnk')), false, 'AUFS bookkeeping skipped');
    assert.ok(lstatSync(join(layer, 'gone-then-back')).isCharacterDevice());
    assert.deepEqual(readdirSync(join(layer, 'etc')), ['motd']);
  });

  test('hard links to a lower layer copy the file up; whited-out targets do not exist', async (t) => {
    if (!isRoot) return t.skip('needs root for owners and whiteouts');
    const lower = join(tmp.dir, 'lower');
    const middle = join(tmp.dir, 'middle');
    mkdirSync(lower);
    mkdirSync(middle);
    await apply(
      [{ name: 'bin/' }, { name: 'bin/busybox', body: 'BUSYBOX', mode: 0o4755, uid: 7, gid: 8, mtime: 1_234_567_890, mtimeNsec: 42, xattrs: new Map([['security.capability', CAP]]) }, { name: 'bin/old', body: 'old' }],
      { target: lower },
    );
    await apply([{ name: 'bin/.wh.old' }], { target: middle, lowerDirs: [lower] });
    await apply([{ name: 'sbin/init', type: 'hardlink', linkname: 'bin/busybox' }], { lowerDirs: [middle, lower] });
    const st = lstatSync(join(layer, 'sbin/init'), { bigint: true });
    assert.equal(readFileSync(join(layer, 'sbin/init'), 'utf8'), 'BUSYBOX');
    assert.equal(Number(st.mode) & 0o7777, 0o4755);
    assert.equal(Number(st.uid), 7);
    assert.equal(st.mtimeNs, 1_234_567_890_000_000_042n);
    assert.deepEqual(lgetxattr(join(layer, 'sbin/init'), 'security.capability'), CAP);
    await assert.rejects(
      apply([{ name: 'l', type: 'hardlink', linkname: 'bin/old' }], { lowerDirs: [middle, lower] }),
      /hard link target "bin\/old" does not exist in this layer or below/,
    );
  });
});
