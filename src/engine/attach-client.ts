import { closeSync, openSync } from 'node:fs';
import { createConnection, type Socket } from 'node:net';
import { basename, dirname } from 'node:path';
import { NotFoundError } from '../lib/errors.ts';

// A client of the monitor's attach socket (protocol at the top of native/steps/monitor.c):
// frames of {u8 type, u32 length, data}; 1 stdout, 2 stderr, 3 exit code from the monitor;
// 0 stdin, 4 resize, 5 close stdin to it.
export interface AttachSession {
  // the container's exit code, or undefined when the monitor went away without one
  exit: Promise<number | undefined>;
  stdin(data: Buffer): void;
  closeStdin(): void;
  resize(rows: number, cols: number): void;
  detach(): void;
}

export interface AttachHandlers {
  stdout(data: Buffer): void;
  stderr(data: Buffer): void;
}

function frame(type: number, data: Buffer): Buffer {
  const h = Buffer.alloc(5);
  h[0] = type;
  h.writeUInt32LE(data.length, 1);
  return Buffer.concat([h, data]);
}

// sun_path holds 107 bytes; <runroot>/containers/<64 hex>/attach.sock under a runroot longer than
// about 20 characters does not fit, so such a path is reached through an fd of its directory
// (as the monitor binds it, native/steps/ns.c).
const SUN_PATH_MAX = 107;

function shortSocketPath(path: string): { path: string; release(): void } {
  if (Buffer.byteLength(path) <= SUN_PATH_MAX) return { path, release: () => {} };
  const fd = openSync(dirname(path), 'r');
  let open = true;
  const release = (): void => {
    // once only: the number may belong to another file afterwards
    if (open) closeSync(fd);
    open = false;
  };
  return { path: `/proc/self/fd/${fd}/${basename(path)}`, release };
}

export function attachToMonitor(path: string, handlers: AttachHandlers): Promise<AttachSession> {
  return new Promise((resolve, reject) => {
    let short: ReturnType<typeof shortSocketPath>;
    try {
      short = shortSocketPath(path);
    } catch (err) {
      reject(new NotFoundError('E_NOT_ATTACHABLE', `cannot attach: the container's monitor is not listening (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`));
      return;
    }
    const sock: Socket = createConnection(short.path);
    sock.once('connect', () => short.release());
    sock.once('error', () => short.release());
    let buf: Buffer = Buffer.alloc(0);
    let code: number | undefined;
    const exit = new Promise<number | undefined>((res) => sock.on('close', () => res(code)));
    sock.on('data', (d: Buffer) => {
      buf = buf.length ? Buffer.concat([buf, d]) : d;
      while (buf.length >= 5) {
        const len = buf.readUInt32LE(1);
        if (buf.length < 5 + len) break;
        const type = buf[0];
        const body = buf.subarray(5, 5 + len);
        buf = buf.subarray(5 + len);
        if (type === 1) handlers.stdout(body);
        else if (type === 2) handlers.stderr(body);
        else if (type === 3) code = body.readInt32LE(0);
      }
    });
    sock.once('connect', () =>
      resolve({
        exit,
        stdin: (data) => sock.write(frame(0, data)),
        closeStdin: () => sock.write(frame(5, Buffer.alloc(0))),
        resize: (rows, cols) => {
          const b = Buffer.alloc(4);
          b.writeUInt16LE(rows, 0);
          b.writeUInt16LE(cols, 2);
          sock.write(frame(4, b));
        },
        detach: () => sock.destroy(),
      }),
    );
    sock.once('error', (err) => {
      if (!sock.connecting) return;
      reject(new NotFoundError('E_NOT_ATTACHABLE', `cannot attach: the container's monitor is not listening (${(err as NodeJS.ErrnoException).code ?? err.message})`));
    });
  });
}
