import assert from 'node:assert/strict';
import { lstatSync, mkdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { collect, gnuTar, tempDir, XATTR_FLAGS } from '../../../test/helpers/gnu-tar.ts';
import { lgetxattrs } from '../sys/syscalls.ts';
import type { TarEntry } from './tar-entry.ts';
import { TarReader } from './tar-reader.ts';
import { encodeTarHeader, TarWriter, type TarEntryInput } from './tar-writer.ts';
import { formatNumeric, parseNumeric } from './tar-numeric.ts';
import { formatPaxTime, parsePaxRecords, parsePaxTime, formatPaxRecord } from './pax-records.ts';

// What berth writes, GNU tar must list and extract identically (names, types, modes, owners,
// nanosecond mtimes, link targets, devices, xattr bytes), and berth must read back the same.

const isRoot = process.getuid?.() === 0;
const CAP = Buffer.from('0100000200200000000000000000000000000000', 'hex'); // vfs_cap_data rev 2, cap_net_raw permitted+effective
const longDir = 'd'.repeat(90);

interface Spec {
  entry: TarEntryInput;
  body?: Buffer;
}

function specs(): Spec[] {
  const s: Spec[] = [
    { entry: { name: 'dir', type: 'dir', mode: 0o755, uid: 0, gid: 0, mtime: 1_600_000_000, mtimeNsec: 5 } },
    { entry: { name: 'dir/file', type: 'file', mode: 0o640, uid: 1000, gid: 1001, uname: 'alice', gname: 'staff', mtime: 1_700_000_000, mtimeNsec: 123_456_789 }, body: Buffer.from('contents\n') },
    { entry: { name: 'dir/empty', type: 'file', mode: 0o600, uid: 0, gid: 0, mtime: 0 }, body: Buffer.alloc(0) },
    { entry: { name: 'dir/block-sized', type: 'file', mode: 0o644, uid: 0, gid: 0, mtime: 1 }, body: Buffer.alloc(1024, 0x61) },
    { entry: { name: `${longDir}/${longDir}/${'f'.repeat(120)}`, type: 'file', mode: 0o644, uid: 0, gid: 0, mtime: 2 }, body: Buffer.from('long\n') },
    { entry: { name: `${longDir}/split-fits-ustar`, type: 'file', mode: 0o644, uid: 0, gid: 0, mtime: 3 }, body: Buffer.from('split\n') },
    { entry: { name: 'ünïcödé/名前', type: 'file', mode: 0o644, uid: 0, gid: 0, mtime: 4 }, body: Buffer.from('u\n') },
    { entry: { name: 'ünïcödé', type: 'dir', mode: 0o700, uid: 0, gid: 0, mtime: 4 } },
    { entry: { name: 'dir/symlink', type: 'symlink', linkname: `../${'t'.repeat(200)}`, mode: 0o777, uid: 0, gid: 0, mtime: 1_650_000_000, mtimeNsec: 1 } },
    { entry: { name: 'dir/hardlink', type: 'hardlink', linkname: 'dir/file', mode: 0o640, uid: 1000, gid: 1001, mtime: 1_700_000_000 } },
    { entry: { name: `${longDir}/${'h'.repeat(100)}`, type: 'hardlink', linkname: `${longDir}/${longDir}/${'f'.repeat(120)}`, mode: 0o644, uid: 0, gid: 0, mtime: 2 } },
    { entry: { name: 'fifo', type: 'fifo', mode: 0o600, uid: 0, gid: 0, mtime: 5 } },
    { entry: { name: 'setuid', type: 'file', mode: 0o4755, uid: 0, gid: 0, mtime: 6 }, body: Buffer.from('#!/bin/sh\n') },
    { entry: { name: 'sticky', type: 'dir', mode: 0o1777, uid: 0, gid: 0, mtime: 7 } },
    { entry: { name: 'huge-ids', type: 'file', mode: 0o644, uid: 3_000_000, gid: 4_000_000, mtime: 8 }, body: Buffer.alloc(0) },
    { entry: { name: 'before-epoch', type: 'file', mode: 0o644, uid: 0, gid: 0, mtime: -86_400, mtimeNsec: 250_000_000 }, body: Buffer.alloc(0) },
    {
      entry: { name: 'xattrs', type: 'file', mode: 0o755, uid: 0, gid: 0, mtime: 9, xattrs: new Map([['user.text', Buffer.from('hello')], ['user.binary', Buffer.from([0, 0xff, 0x0a, 0x3d, 0x80])]]) },
      body: Buffer.from('x'),
    },
  ];
  if (isRoot) {
    s.push(
      { entry: { name: 'null', type: 'char', mode: 0o666, uid: 0, gid: 0, mtime: 10, devmajor: 1, devminor: 3 } },
      { entry: { name: 'loop', type: 'block', mode: 0o660, uid: 0, gid: 6, mtime: 10, devmajor: 7, devminor: 200 } },
      { entry: { name: 'bigdev', type: 'char', mode: 0o600, uid: 0, gid: 0, mtime: 10, devmajor: 4095, devminor: 1_048_575 } },
      { entry: { name: 'cap', type: 'file', mode: 0o755, uid: 0, gid: 0, mtime: 11, xattrs: new Map([['security.capability', CAP]]) }, body: Buffer.from('cap') },
    );
  }
  return s;
}

async function writeArchive(list: Spec[]): Promise<Buffer> {
  const w = new TarWriter({ highWaterMark: 4096 });
  const done = collect(w);
  for (const { entry, body } of list) await w.add(entry, body);
  await w.finish();
  return done;
}

let tmp: { dir: string; cleanup: () => void };
let archivePath: string;
let archive: Buffer;

before(async () => {
  tmp = tempDir('tar-writer');
  archive = await writeArchive(specs());
  archivePath = join(tmp.dir, 'berth.tar');
  writeFileSync(archivePath, archive);
});
after(() => tmp?.cleanup());

describe('TarWriter against GNU tar', () => {
  test('GNU tar lists every entry under its full name', () => {
    const listed = gnuTar(['-tf', archivePath]).split('\n').filter(Boolean);
    assert.deepEqual(listed, specs().map((s) => (s.entry.type === 'dir' ? `${s.entry.name}/` : s.entry.name)));
    const verbose = gnuTar(['--numeric-owner', '-tvf', archivePath]);
    assert.match(verbose, /^-rwsr-xr-x 0\/0 +10 .* setuid$/m);
    assert.match(verbose, /^drwxrwxrwt 0\/0 +0 .* sticky\/$/m);
    assert.match(verbose, /^-rw-r--r-- 3000000\/4000000 +0 .* huge-ids$/m);
    assert.match(verbose, /^hrw-r----- 1000\/1001 +0 .* dir\/hardlink link to dir\/file$/m);
    if (isRoot) assert.match(verbose, /^crw------- 0\/0 +4095,1048575 .* bigdev$/m);
  });

  test('GNU tar extracts it identically', () => {
    const out = join(tmp.dir, 'extracted');
    mkdirSync(out);
    // the entries of a directory are not contiguous here, so GNU tar must set directory times at the end
    gnuTar(['-xpf', archivePath, ...XATTR_FLAGS, '--numeric-owner', '--delay-directory-restore', '-C', out]);
    const inodes = new Map<string, bigint>();
    for (const { entry, body } of specs()) {
      const path = join(out, entry.name);
      const st = lstatSync(path, { bigint: true });
      const where = entry.name;
      if (entry.type === 'hardlink') {
        assert.equal(st.ino, inodes.get(entry.linkname!), `${where} is a hard link`);
        continue;
      }
      inodes.set(entry.name, st.ino);
      const kind = st.isDirectory() ? 'dir' : st.isSymbolicLink() ? 'symlink' : st.isFIFO() ? 'fifo' : st.isCharacterDevice() ? 'char' : st.isBlockDevice() ? 'block' : 'file';
      assert.equal(kind, entry.type, where);
      if (entry.type !== 'symlink') assert.equal(Number(st.mode) & 0o7777, entry.mode, `${where} mode`);
      if (isRoot) {
        assert.equal(Number(st.uid), entry.uid, `${where} uid`);
        assert.equal(Number(st.gid), entry.gid, `${where} gid`);
      }
      // directories get their mtime after their children are written
      const wantNs = BigInt(entry.mtime!) * 1_000_000_000n + BigInt(entry.mtimeNsec ?? 0);
      assert.equal(st.mtimeNs, wantNs, `${where} mtime`);
      if (entry.type === 'file') assert.deepEqual(readFileSync(path), body, `${where} body`);
      if (entry.type === 'symlink') assert.equal(readlinkSync(path), entry.linkname, where);
      if (entry.type === 'char' || entry.type === 'block') {
        const rdev = Number(st.rdev);
        assert.equal(((rdev >>> 8) & 0xfff) | Number((BigInt(rdev) >> 32n) & 0xfffff000n), entry.devmajor, where);
        assert.equal((rdev & 0xff) | ((rdev >>> 12) & 0xfff00), entry.devminor, where);
      }
      if (entry.xattrs) assert.deepEqual(lgetxattrs(path), entry.xattrs, `${where} xattrs`);
    }
  });

  test('TarReader reads it back field for field', async () => {
    const back: TarEntry[] = [];
    const bodies: Buffer[] = [];
    for await (const e of new TarReader([archive])) {
      bodies.push(await e.readAll());
      const { body: _b, readAll: _r, ...rest } = e;
      back.push(rest);
    }
    const want = specs();
    assert.equal(back.length, want.length);
    want.forEach(({ entry, body }, i) => {
      const got = back[i]!;
      assert.equal(got.name.replace(/\/$/, ''), entry.name);
      for (const k of ['type', 'mode', 'uid', 'gid', 'mtime', 'linkname', 'devmajor', 'devminor', 'uname', 'gname', 'xattrs'] as const) {
        assert.deepEqual(got[k], entry[k], `${entry.name} ${k}`);
      }
      assert.equal(got.mtimeNsec ?? 0, entry.mtimeNsec ?? 0, `${entry.name} mtimeNsec`);
      assert.deepEqual(bodies[i], body ?? Buffer.alloc(0));
    });
  });

  test('output is deterministic and uses plain ustar when nothing needs pax', async () => {
    assert.deepEqual(await writeArchive(specs()), archive);
    const header = encodeTarHeader({ name: 'etc/hostname', type: 'file', size: 5, mode: 0o644, uid: 0, gid: 0, mtime: 1 });
    assert.equal(header.length, 512);
    assert.equal(gnuTar(['-tvf', '-'], { input: Buffer.concat([header, Buffer.from('host\n'), Buffer.alloc(507 + 1024)]) }).trim().split(/\s+/).pop(), 'etc/hostname');
  });

  test('a body shorter or longer than its size is an error', async () => {
    const w = new TarWriter();
    const drained = collect(w).catch(() => undefined);
    await assert.rejects(w.add({ name: 'f', type: 'file', size: 10 }, Buffer.from('short')), /header says 10/);
    await drained;
  });
});

describe('numeric fields and pax records', () => {
  test('octal and base-256 round trip, including negatives', () => {
    const b = Buffer.alloc(12);
    for (const v of [0, 1, 0o7777777, 2_097_152, 8 ** 11 - 1, 8 ** 11, 2 ** 40, Number.MAX_SAFE_INTEGER, -1, -86_400, -(2 ** 40)]) {
      assert.ok(formatNumeric(b, 0, 12, v), `format ${v}`);
      assert.equal(parseNumeric(b, 0, 12, 'test'), v);
    }
    const small = Buffer.alloc(8);
    assert.ok(formatNumeric(small, 0, 8, 3_000_000));
    assert.equal(small[0], 0x80);
    assert.equal(parseNumeric(small, 0, 8, 'uid'), 3_000_000);
    // GNU's own base-256 encoding of uid 3000000, as written by GNU tar --format=gnu
    assert.equal(parseNumeric(Buffer.from([0x80, 0, 0, 0, 0, 0x2d, 0xc6, 0xc0]), 0, 8, 'uid'), 3_000_000);
    // octal fields padded with spaces or NULs, as old tars write them
    assert.equal(parseNumeric(Buffer.from(' 644 \0\0\0'), 0, 8, 'mode'), 0o644);
  });

  test('pax record lengths count their own digits', () => {
    for (let n = 0; n < 300; n++) {
      const rec = formatPaxRecord('k', 'v'.repeat(n));
      assert.equal(Number(rec.toString().split(' ')[0]), rec.length);
      assert.equal(parsePaxRecords(rec).get('k')?.length, n);
    }
  });

  test('pax times keep nanoseconds and negative values', () => {
    for (const [sec, nsec, text] of [
      [1_700_000_000, 123_456_789, '1700000000.123456789'],
      [5, 500_000_000, '5.5'],
      [-2, 750_000_000, '-1.25'],
      [-1, 0, '-1'],
    ] as const) {
      assert.equal(formatPaxTime(sec, nsec), text);
      assert.deepEqual(parsePaxTime(text, 'mtime'), { sec, nsec });
    }
  });
});
