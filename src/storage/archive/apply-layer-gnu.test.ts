import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, createReadStream, linkSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { gnuTar, tempDir, XATTR_FLAGS } from '../../../test/helpers/gnu-tar.ts';
import { lgetxattrs, lsetxattr, lutimesAt } from '../sys/syscalls.ts';
import { AT } from '../sys/linux-constants.ts';
import { applyLayerTar } from './apply-layer.ts';

// The unpacker against GNU tar as the oracle: the same archive (written by GNU tar in pax and in
// gnu format) extracted by `tar -xp --xattrs` and by applyLayerTar must give identical trees —
// types, modes, owners, mtimes to the nanosecond, link targets, device numbers, xattr bytes and
// which names share an inode.

const isRoot = process.getuid?.() === 0;
let tmp: { dir: string; cleanup: () => void };
let src: string;

before(() => {
  tmp = tempDir('apply-gnu');
  src = join(tmp.dir, 'src');
  const deep = join(src, 'l'.repeat(80), 'm'.repeat(80));
  mkdirSync(deep, { recursive: true });
  writeFileSync(join(deep, `${'n'.repeat(110)}.txt`), 'deep');
  linkSync(join(deep, `${'n'.repeat(110)}.txt`), join(src, 'hardlink-to-deep'));
  writeFileSync(join(src, 'a'), 'a');
  linkSync(join(src, 'a'), join(src, 'a2'));
  linkSync(join(src, 'a'), join(src, 'a3'));
  symlinkSync('/etc/passwd', join(src, 'abs-symlink'));
  symlinkSync(`x/${'y'.repeat(150)}`, join(src, 'long-symlink'));
  execFileSync('mkfifo', [join(src, 'fifo')]);
  mkdirSync(join(src, 'ro-dir'));
  writeFileSync(join(src, 'ro-dir', 'inside'), 'i');
  chmodSync(join(src, 'ro-dir'), 0o555);
  writeFileSync(join(src, 'suid'), 's');
  writeFileSync(join(src, 'x'), 'x');
  lsetxattr(join(src, 'x'), 'user.bin', Buffer.from([0xff, 0, 0x80]));
  if (isRoot) {
    execFileSync('mknod', [join(src, 'null'), 'c', '1', '3']);
    execFileSync('mknod', [join(src, 'sda'), 'b', '8', '0']);
    chownSync(join(src, 'suid'), 1000, 1000);
    execFileSync('setcap', ['cap_net_bind_service+ep', join(src, 'x')]);
  }
  chmodSync(join(src, 'suid'), 0o6755);
  lutimesAt(AT.FDCWD, join(src, 'a'), 1_234_567_890, 987_654_321);
  lutimesAt(AT.FDCWD, join(src, 'ro-dir'), 1_111_111_111, 1);
});
after(() => tmp?.cleanup());

function describeTree(root: string): string[] {
  const out: string[] = [];
  const groups = new Map<bigint, string>();
  const walk = (rel: string) => {
    for (const name of readdirSync(join(root, rel)).sort()) {
      const path = rel ? `${rel}/${name}` : name;
      const abs = join(root, path);
      const st = lstatSync(abs, { bigint: true });
      const first = groups.get(st.ino) ?? path;
      groups.set(st.ino, first);
      const body = st.isFile() ? readFileSync(abs, 'hex') : st.isSymbolicLink() ? readlinkSync(abs) : '';
      const xattrs = [...lgetxattrs(abs)].map(([k, v]) => `${k}=${v.toString('hex')}`).join(',');
      out.push(`${path} mode=${st.mode.toString(8)} ${st.uid}:${st.gid} mtime=${st.isSymbolicLink() ? '-' : st.mtimeNs} rdev=${st.rdev} inode-of=${first} ${body} ${xattrs}`);
      if (st.isDirectory()) walk(path);
    }
  };
  walk('');
  return out;
}

for (const format of ['pax', 'gnu'] as const) {
  test(`applyLayerTar extracts GNU tar --format=${format} exactly as GNU tar does`, async () => {
    const archive = join(tmp.dir, `${format}.tar`);
    gnuTar(['--format', format, ...(format === 'pax' ? XATTR_FLAGS : []), '-cf', archive, '-C', src, '.']);
    const byGnu = join(tmp.dir, `${format}-gnu`);
    const byBerth = join(tmp.dir, `${format}-berth`);
    mkdirSync(byGnu);
    mkdirSync(byBerth);
    gnuTar(['-xpf', archive, ...XATTR_FLAGS, '--numeric-owner', '-C', byGnu]);
    await applyLayerTar({ target: byBerth, tar: createReadStream(archive, { highWaterMark: 4096 }) });
    const want = describeTree(byGnu);
    assert.ok(want.some((l) => l.startsWith('llll') && l.includes('.txt ') && l.includes('inode-of=hardlink-to-deep ')), 'long-named hard links really are links');
    assert.deepEqual(describeTree(byBerth), want);
  });
}
