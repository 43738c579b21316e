import { createReadStream } from 'node:fs';
import { resolve } from 'node:path';
import { archiveFromContainer, copyFromContainer, copyToContainer, extractToContainer, preserveTrailingDotOrSeparator } from '../../engine/workflow.ts';
import { BerthError } from '../../lib/errors.ts';
import type { CliContext } from '../cli-context.ts';
import { writeBytes } from '../render/byte-sink.ts';
import { goHumanSize } from '../render/go-units.ts';
import { err } from '../render/output.ts';
import { engineFor } from './engine-for.ts';
import { reportDaemonError } from './daemon-error.ts';

export interface CpFlags {
  archive: boolean;
  followLink: boolean;
  // undefined: quiet unless stdout is a terminal (docker's rule)
  quiet?: boolean;
}

// docker's splitCpArg: "name:path" names a container, unless the text is an absolute path or
// starts with "." (a local path with a colon in it must be written ./a:b).
export function splitCpArg(arg: string): { container: string; path: string } {
  if (arg.startsWith('/')) return { container: '', path: arg };
  const i = arg.indexOf(':');
  if (i < 0 || arg.startsWith('.')) return { container: '', path: arg };
  return { container: arg.slice(0, i), path: arg.slice(i + 1) };
}

// A local path made absolute, keeping the "/" or "/." that decides docker cp's behaviour.
const localPath = (p: string): string => preserveTrailingDotOrSeparator(resolve(p), p);

// docker cp: files between a container (running or not) and the host, or a tar stream on
// stdin/stdout for "-". Paths in the container never lead outside it, whatever its symlinks say.
export async function cpCommand(ctx: CliContext, source: string, destination: string, o: CpFlags): Promise<number> {
  if (source === '') return fail('source can not be empty');
  if (destination === '') return fail('destination can not be empty');
  const src = splitCpArg(source);
  const dst = splitCpArg(destination);
  if (src.container && dst.container) return fail('copying between containers is not supported');
  if (!src.container && !dst.container) return fail('must specify at least one container source');
  const quiet = o.quiet ?? !ctx.stdoutIsTTY;
  const engine = engineFor(ctx);
  try {
    if (src.container) {
      if (dst.path === '-') {
        await archiveFromContainer(engine, src.container, src.path, { followLink: o.followLink }, (tar) => writeBytes(tar));
        return 0;
      }
      const to = localPath(dst.path);
      const r = await copyFromContainer(engine, src.container, src.path, to, { followLink: o.followLink });
      if (!quiet) err(`Successfully copied ${goHumanSize(r.isDir ? r.bytes : r.size)} to ${to}\n`);
      return 0;
    }
    if (src.path === '-') {
      await extractToContainer(engine, dst.container, dst.path, createReadStream('', { fd: 0, autoClose: false, highWaterMark: 1 << 20 }), { followLink: false, copyUIDGID: o.archive });
      return 0;
    }
    const from = localPath(src.path);
    const r = await copyToContainer(engine, dst.container, from, dst.path, { followLink: o.followLink, copyUIDGID: o.archive });
    if (!quiet) err(`Successfully copied ${goHumanSize(r.bytes)} to ${dst.container}:${dst.path}\n`);
    return 0;
  } catch (e) {
    // what docker's client refuses on its own is not a daemon's answer
    if (e instanceof BerthError && e.code === 'E_COPY_LOCAL') return fail(e.message);
    return reportDaemonError(e);
  }
}

function fail(message: string): number {
  err(`Error: ${message}\n`);
  return 1;
}
