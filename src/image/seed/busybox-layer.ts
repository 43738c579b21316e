// The root filesystem of berth's offline busybox image, as one layer tar: Debian's static
// busybox, a symlink per applet, the usual top-level directories and a minimal /etc. Written
// in-process with the tar writer so no external tar is needed; every timestamp is the busybox
// binary's, so the same binary always gives the same image id.
import { execFileSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import type { TarWriter } from '../../storage/index.ts';

const DIRS = ['bin', 'dev', 'etc', 'home', 'proc', 'root', 'run', 'sbin', 'sys', 'tmp', 'usr', 'usr/bin', 'usr/sbin', 'var', 'var/spool', 'var/spool/mail', 'var/www'];

export async function writeBusyboxLayer(w: TarWriter, busybox: string): Promise<void> {
  const mtime = Math.floor(statSync(busybox).mtimeMs / 1000);
  const bin = readFileSync(busybox);
  const applets = execFileSync(busybox, ['--list-full'], { encoding: 'utf8' }).split('\n').filter(Boolean).sort();
  const dir = (name: string, mode = 0o755) => w.add({ name: `${name}/`, type: 'dir', mode, uid: 0, gid: 0, mtime });
  for (const d of DIRS) await dir(d, d === 'tmp' ? 0o1777 : d === 'root' ? 0o700 : 0o755);
  await w.add({ name: 'bin/busybox', type: 'file', size: bin.length, mode: 0o755, uid: 0, gid: 0, mtime }, bin);
  for (const a of applets) {
    if (a === 'bin/busybox') continue;
    await w.add({ name: a, type: 'symlink', linkname: '/bin/busybox', mode: 0o777, uid: 0, gid: 0, mtime });
  }
  const files: [string, string][] = [
    ['etc/passwd', 'root:x:0:0:root:/root:/bin/sh\ndaemon:x:1:1:daemon:/usr/sbin:/bin/false\nnobody:x:65534:65534:nobody:/home:/bin/false\n'],
    ['etc/group', 'root:x:0:\ndaemon:x:1:\ntty:x:5:\nusers:x:100:\nnogroup:x:65534:\n'],
    ['etc/hostname', 'localhost\n'],
    ['etc/shadow', 'root:*:10933:0:99999:7:::\nnobody:*:10933:0:99999:7:::\n'],
  ];
  for (const [name, text] of files) {
    const b = Buffer.from(text);
    await w.add({ name, type: 'file', size: b.length, mode: name === 'etc/shadow' ? 0o640 : 0o644, uid: 0, gid: 0, mtime }, b);
  }
  await w.finish();
}
