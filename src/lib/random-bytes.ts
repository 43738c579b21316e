import { closeSync, openSync, readSync } from 'node:fs';

// Random bytes from the kernel, for ids and names. Not node:crypto: loading it costs ~6 ms, and
// every `berth run` makes an id.
export function randomBytes(n: number): Buffer {
  const buf = Buffer.alloc(n);
  const fd = openSync('/dev/urandom', 'r');
  try {
    for (let off = 0; off < n; ) off += readSync(fd, buf, off, n - off, null);
  } finally {
    closeSync(fd);
  }
  return buf;
}
