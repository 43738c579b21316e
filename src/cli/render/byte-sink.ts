import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

// Where a command's bytes (a tar) go: stdout, written with writeSync (never through
// process.stdout, which would make a shared pipe non-blocking), or a file written beside its
// target and renamed into place only when complete (docker's atomic writer).
export async function writeBytes(chunks: AsyncIterable<Uint8Array>, file?: string, mode = 0o600): Promise<void> {
  const tmp = file ? join(dirname(file), `.${basename(file)}.${process.pid}.tmp`) : undefined;
  const fd = tmp ? openSync(tmp, 'w', mode) : 1;
  try {
    for await (const chunk of chunks) {
      let off = 0;
      while (off < chunk.length) {
        try {
          off += writeSync(fd, chunk, off, chunk.length - off);
        } catch (e) {
          const code = (e as NodeJS.ErrnoException).code;
          if (code === 'EAGAIN') continue;
          // the reader went away (`| head`): stop quietly, as docker does
          if (code === 'EPIPE' && !tmp) return;
          throw e;
        }
      }
    }
    if (tmp) {
      fsyncSync(fd);
      closeSync(fd);
      renameSync(tmp, file!);
    }
  } catch (e) {
    if (tmp) {
      try {
        closeSync(fd);
      } catch {
        // closed already
      }
      rmSync(tmp, { force: true });
    }
    throw e;
  }
}
