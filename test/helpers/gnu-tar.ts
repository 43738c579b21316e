import { execFileSync } from 'node:child_process';
import { createReadStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// GNU tar as the oracle for berth's tar codec: what it writes berth must read, and what berth
// writes it must list and extract identically.

export const XATTR_FLAGS = ['--xattrs', '--xattrs-include=*'];

export function gnuTar(args: string[], opts: { input?: Buffer } = {}): string {
  return execFileSync('tar', args, { encoding: 'utf8', input: opts.input, maxBuffer: 64 << 20 });
}

export async function readFileChunks(path: string): Promise<AsyncIterable<Uint8Array>> {
  return createReadStream(path, { highWaterMark: 7 * 1024 + 13 }); // odd chunk size: exercises joins
}

export async function collect(stream: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of stream) parts.push(Buffer.from(c));
  return Buffer.concat(parts);
}

// A temporary directory removed by the returned function (call it in `after` or `finally`).
export function tempDir(prefix: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `berth-${prefix}-`));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export async function* chunksOf(buf: Buffer, size = 4096): AsyncIterable<Uint8Array> {
  for (let i = 0; i < buf.length; i += size) yield buf.subarray(i, i + size);
}
