import { closeSync, constants, openSync } from 'node:fs';
import { createConnection, type Socket } from 'node:net';
import { basename, dirname } from 'node:path';
import { NotFoundError } from '../lib/errors.ts';

// A client of the monitor's attach socket (protocol at the top of native/steps/monitor.c):
// frames of {u8 type, u32 length, data}; 1 stdout, 2 stderr, 3 exit code from the monitor;
// 0 stdin, 4 resize, 5 close stdin, 6 claim the cleanup to it; 7 (both ways) hands the
// connection to a new helper the monitor starts.
export interface AttachSession {
  // the container's exit code, or undefined when the monitor went away without one
  exit: Promise<number | undefined>;
  stdin(data: Buffer): void;
  closeStdin(): void;
  resize(rows: number, cols: number): void;
  // this client will record the exit and clean up itself: the monitor skips its exit command
  claimCleanup(): void;
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

// sun_path holds 107 bytes; a deeper socket (a long --runroot) is reached through an fd of its
// directory, as the monitor bound it (native/steps/ns.c)
const SUN_PATH_MAX = 107;

const notListening = (err: unknown): NotFoundError =>
  new NotFoundError('E_NOT_ATTACHABLE', `cannot attach: the container's monitor is not listening (${(err as NodeJS.ErrnoException).code ?? (err as Error).message ?? String(err)})`);

// A connection to the monitor's socket. A failure to connect (ECONNREFUSED, ENOENT: the monitor
// is gone) goes to onFail, undefined returned when it fails at once. An error after the connect
// also reaches onFail, where a settled promise ignores it. Not sock.connecting: Node clears it
// before it emits the connect error, and a promise that never settles lets the process end with
// status 0 half-way through a command.
function connectToMonitor(path: string, onFail: (e: NotFoundError) => void): Socket | undefined {
  let dirFd: number | undefined;
  let target = path;
  try {
    if (Buffer.byteLength(path) > SUN_PATH_MAX) {
      dirFd = openSync(dirname(path), constants.O_RDONLY | constants.O_DIRECTORY);
      target = `/proc/self/fd/${dirFd}/${basename(path)}`;
    }
  } catch (err) {
    onFail(notListening(err));
    return undefined;
  }
  const sock = createConnection(target);
  const closeDir = (): void => {
    if (dirFd !== undefined) closeSync(dirFd);
    dirFd = undefined;
  };
  sock.once('connect', closeDir);
  sock.once('error', (err) => {
    closeDir();
    onFail(notListening(err));
  });
  return sock;
}

// Whole frames of the byte stream, in order, to onFrame. The frame for which it returns true is
// the last one taken: push() then returns what came after it, which is not the protocol's.
function frameReader(onFrame: (type: number, body: Buffer) => boolean | void): (d: Buffer) => Buffer | undefined {
  let buf: Buffer = Buffer.alloc(0);
  return (d) => {
    buf = buf.length ? Buffer.concat([buf, d]) : d;
    while (buf.length >= 5) {
      const len = buf.readUInt32LE(1);
      if (buf.length < 5 + len) break;
      const type = buf[0]!;
      const body = buf.subarray(5, 5 + len);
      buf = buf.subarray(5 + len);
      if (onFrame(type, body) === true) return buf;
    }
    return undefined;
  };
}

// A new helper, the monitor's child, whose plan channel is the returned socket (frame 7 of the
// protocol): what it starts and leaves behind is the monitor's to reap. Used for `exec -d`.
export function spawnHelperThroughMonitor(path: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const sock = connectToMonitor(path, reject);
    if (!sock) return;
    // output frames broadcast before the monitor read our request are skipped
    const read = frameReader((type) => type === 7);
    const onData = (d: Buffer): void => {
      const rest = read(d);
      if (rest === undefined) return;
      sock.pause();
      sock.off('data', onData);
      sock.off('close', onClose);
      if (rest.length > 0) sock.unshift(rest);
      resolve(sock);
    };
    const onClose = (): void => reject(notListening(new Error('the monitor closed the connection')));
    sock.on('data', onData);
    sock.on('close', onClose);
    sock.once('connect', () => sock.write(frame(7, Buffer.alloc(0))));
  });
}

export function attachToMonitor(path: string, handlers: AttachHandlers): Promise<AttachSession> {
  return new Promise((resolve, reject) => {
    const sock = connectToMonitor(path, reject);
    if (!sock) return;
    let code: number | undefined;
    const exit = new Promise<number | undefined>((res) => sock.on('close', () => res(code)));
    sock.on(
      'data',
      frameReader((type, body) => {
        if (type === 1) handlers.stdout(body);
        else if (type === 2) handlers.stderr(body);
        else if (type === 3) code = body.readInt32LE(0);
      }),
    );
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
        claimCleanup: () => sock.write(frame(6, Buffer.alloc(0))),
        detach: () => sock.destroy(),
      }),
    );
  });
}
