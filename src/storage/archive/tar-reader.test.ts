import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, linkSync, lstatSync, mkdirSync, readFileSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { collect, gnuTar, readFileChunks, tempDir, XATTR_FLAGS } from '../../../test/helpers/gnu-tar.ts';
import { lgetxattrs, lsetxattr, lutimesAt } from '../sys/syscalls.ts';
import { AT } from '../sys/linux-constants.ts';
import type { TarEntryType } from './tar-entry.ts';
import { TarFormatError } from './tar-format-error.ts';
import { TarReader, type TarReadEntry } from './tar-reader.ts';

// Archives written by GNU tar (pax and gnu formats) must read back exactly: every name, type,
// mode, owner, mtime to the nanosecond, link target, device number, xattr byte and body byte.

const isRoot = process.getuid?.() === 0;
const BINARY_XATTR = Buffer.from([0x00, 0xff, 0xfe, 0x80, 0x01, 0x0a, 0x3d]);
const longDir = 'a-rather-long-directory-name-to-push-paths-over-one-hundred-bytes';

let tmp: { dir: string; cleanup: () => void };
let src: string;

before(() => {
  tmp = tempDir('tar-reader');
  src = join(tmp.dir, 'src');
  mkdirSync(join(src, longDir, longDir, longDir), { recursive: true });
  writeFileSync(join(src, 'small.txt'), 'hello\n');
  writeFileSync(join(src, 'empty'), '');
  const big = Buffer.alloc(1_000_003);
  for (let i = 0; i < big.length; i++) big[i] = (i * 7919) % 251;
  writeFileSync(join(src, 'big.bin'), big);
  writeFileSync(join(src, longDir, longDir, longDir, `file-with-a-long-name-${'x'.repeat(120)}.txt`), 'deep\n');
  symlinkSync(`../${'t'.repeat(150)}/target`, join(src, 'long-symlink'));
  symlinkSync('small.txt', join(src, 'short-symlink'));
  linkSync(join(src, 'small.txt'), join(src, 'hardlink'));
  linkSync(join(src, 'small.txt'), join(src, longDir, longDir, `hardlink-with-long-name-${'y'.repeat(60)}`));
  execFileSync('mkfifo', [join(src, 'fifo')]);
  mkdirSync(join(src, 'sticky'));
  chmodSync(join(src, 'sticky'), 0o1777);
  writeFileSync(join(src, 'setuid'), '#!/bin/sh\n');
  chmodSync(join(src, 'setuid'), 0o4755);
  writeFileSync(join(src, 'setgid'), '');
  chmodSync(join(src, 'setgid'), 0o2750);
  writeFileSync(join(src, 'ünïcödé-名前'), 'unicode\n');
  writeFileSync(join(src, 'xattrs'), 'x\n');
  lsetxattr(join(src, 'xattrs'), 'user.text', Buffer.from('hello world'));
  lsetxattr(join(src, 'xattrs'), 'user.binary', BINARY_XATTR);
  if (isRoot) {
    execFileSync('mknod', [join(src, 'null'), 'c', '1', '3']);
    execFileSync('mknod', [join(src, 'loop'), 'b', '7', '200']);
    execFileSync('mknod', [join(src, 'bigdev'), 'c', '4095', '1048575']);
    writeFileSync(join(src, 'owned'), 'owned\n');
    chownSync(join(src, 'owned'), 1234, 5678);
    writeFileSync(join(src, 'huge-ids'), '');
    chownSync(join(src, 'huge-ids'), 3_000_000, 4_000_000);
    writeFileSync(join(src, 'cap'), 'cap\n');
    execFileSync('setcap', ['cap_net_raw,cap_net_admin+ep', join(src, 'cap')]);
  }
  lutimesAt(AT.FDCWD, join(src, 'small.txt'), 1_700_000_000, 123_456_789);
  lutimesAt(AT.FDCWD, join(src, 'short-symlink'), 1_600_000_000, 987_654_321);
  lutimesAt(AT.FDCWD, join(src, 'empty'), 1_000_000_000, 1);
});

after(() => tmp?.cleanup());

function expectedType(path: string): TarEntryType {
  const st = lstatSync(path);
  if (st.isSymbolicLink()) return 'symlink';
  if (st.isDirectory()) return 'dir';
  if (st.isFIFO()) return 'fifo';
  if (st.isCharacterDevice()) return 'char';
  if (st.isBlockDevice()) return 'block';
  return 'file';
}

async function readAll(archive: string): Promise<{ entry: TarReadEntry; body: Buffer }[]> {
  const out: { entry: TarReadEntry; body: Buffer }[] = [];
  for await (const entry of new TarReader(await readFileChunks(archive))) {
    out.push({ entry, body: await entry.readAll() });
  }
  return out;
}

async function checkArchive(format: 'pax' | 'gnu'): Promise<void> {
  const archive = join(tmp.dir, `${format}.tar`);
  // GNU tar stores xattrs only in pax: asking for them with --format=gnu silently writes pax
  gnuTar(['--format', format, ...(format === 'pax' ? XATTR_FLAGS : []), '-cf', archive, '-C', src, '.']);
  const entries = await readAll(archive);
  const listed = gnuTar(['-tf', archive]).split('\n').filter(Boolean);
  assert.deepEqual(entries.map((e) => e.entry.name), listed, 'names in GNU tar order');

  const seenInodes = new Map<number, string>();
  for (const { entry, body } of entries) {
    const path = join(src, entry.name);
    const st = lstatSync(path, { bigint: true });
    const where = `${format}: ${entry.name}`;
    if (entry.type === 'hardlink') {
      assert.equal(seenInodes.get(Number(st.ino)), entry.linkname, where);
      continue;
    }
    if (st.isFile()) seenInodes.set(Number(st.ino), entry.name);
    assert.equal(entry.type, expectedType(path), where);
    assert.equal(entry.mode, Number(st.mode) & 0o7777, where);
    assert.equal(entry.uid, Number(st.uid), where);
    assert.equal(entry.gid, Number(st.gid), where);
    assert.equal(entry.mtime, Number(st.mtimeNs / 1_000_000_000n), where);
    // GNU's own format keeps whole seconds only
    if (format === 'pax') assert.equal(entry.mtimeNsec ?? 0, Number(st.mtimeNs % 1_000_000_000n), where);
    if (entry.type === 'symlink') assert.equal(entry.linkname, readlinkSync(path), where);
    if (entry.type === 'file') assert.deepEqual(body, readFileSync(path), where);
    if (entry.type === 'char' || entry.type === 'block') {
      const rdev = Number(st.rdev);
      // glibc's major()/minor() on the 64-bit dev_t
      assert.equal(entry.devmajor, ((rdev >>> 8) & 0xfff) | Number((BigInt(rdev) >> 32n) & 0xfffff000n), where);
      assert.equal(entry.devminor, (rdev & 0xff) | ((rdev >>> 12) & 0xfff00), where);
    }
    if (format === 'pax') {
      const want = lgetxattrs(path);
      assert.deepEqual(entry.xattrs ?? new Map(), want, `${where} xattrs`);
    }
  }
  if (format === 'pax') {
    const x = entries.find((e) => e.entry.name === './xattrs')!.entry;
    assert.deepEqual(x.xattrs?.get('user.binary'), BINARY_XATTR);
    if (isRoot) assert.ok(entries.find((e) => e.entry.name === './cap')!.entry.xattrs?.get('security.capability'));
  }
}

describe('TarReader against GNU tar', () => {
  test('reads --format=pax --xattrs archives exactly', async () => {
    await checkArchive('pax');
  });

  test('reads --format=gnu archives exactly (long names via ././@LongLink, base-256 ids)', async () => {
    await checkArchive('gnu');
    const archive = join(tmp.dir, 'gnu.tar');
    const bytes = readFileSync(archive);
    assert.ok(bytes.indexOf('@LongLink') >= 0, `the gnu archive really uses long-link records (${bytes.length} bytes)`);
  });

  test('reads --format=ustar and --format=v7 archives', async () => {
    const dir = join(tmp.dir, 'plain');
    mkdirSync(join(dir, 'sub'), { recursive: true });
    writeFileSync(join(dir, 'sub', 'f'), 'abc');
    for (const format of ['ustar', 'v7']) {
      const archive = join(tmp.dir, `${format}.tar`);
      gnuTar(['--format', format, '-cf', archive, '-C', dir, '.']);
      const entries = await readAll(archive);
      assert.deepEqual(
        entries.map((e) => [e.entry.name, e.entry.type, e.body.toString()]),
        [
          ['./', 'dir', ''],
          ['./sub/', 'dir', ''],
          ['./sub/f', 'file', 'abc'],
        ],
        format,
      );
    }
  });

  test('refuses sparse files clearly, in both GNU encodings', async () => {
    const dir = join(tmp.dir, 'sparse');
    mkdirSync(dir);
    execFileSync('truncate', ['-s', '10M', join(dir, 'holes')]);
    writeFileSync(join(dir, 'holes'), 'data', { flag: 'r+' });
    for (const format of ['pax', 'gnu']) {
      const archive = join(tmp.dir, `sparse-${format}.tar`);
      gnuTar(['--format', format, '-S', '-cf', archive, '-C', dir, '.']);
      await assert.rejects(readAll(archive), (err: unknown) => {
        assert.ok(err instanceof TarFormatError);
        assert.match(err.message, /sparse file ".*holes" is not supported/);
        return true;
      });
    }
  });

  test('skips unread bodies and drains the padding after the end marker', async () => {
    const archive = join(tmp.dir, 'pax.tar');
    const bytes = readFileSync(archive);
    let seen = 0;
    const source = (async function* () {
      for (let i = 0; i < bytes.length; i += 1000) {
        seen += Math.min(1000, bytes.length - i);
        yield bytes.subarray(i, i + 1000);
      }
    })();
    const names: string[] = [];
    for await (const e of new TarReader(source)) names.push(e.name);
    assert.ok(names.includes('./big.bin'));
    assert.equal(seen, bytes.length, 'the whole input (GNU pads to 10 KiB records) was consumed');
  });

  test('rejects a corrupted checksum and a truncated body', async () => {
    const good = readFileSync(join(tmp.dir, 'pax.tar'));
    const bad = Buffer.from(good);
    bad[1030] = bad[1030]! ^ 0x20; // the name field of the first ustar header (after a pax header and its data)
    await assert.rejects(collect(toNames(bad)), /checksum/);
    await assert.rejects(collect(toNames(good.subarray(0, 4000))), /unexpected end of archive/);
  });
});

async function* toNames(bytes: Buffer): AsyncIterable<Uint8Array> {
  for await (const e of new TarReader([bytes])) {
    await e.readAll();
    yield Buffer.from(e.name);
  }
}
